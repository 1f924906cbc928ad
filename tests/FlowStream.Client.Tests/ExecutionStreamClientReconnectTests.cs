using System.Net;
using FlowStream.Client.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace FlowStream.Client.Tests;

/// <summary>Re-attaching after a dropped connection: exactly once, in order, bounded, with backoff, cancelable.</summary>
public sealed class ExecutionStreamClientReconnectTests
{
    private const string StartStream = "POST /executions/stream";
    private const string Attach42 = "GET /executions/42/stream";

    /// <summary>No waits between attempts: these tests are about what is sent and delivered, not about time.</summary>
    private static readonly ExecutionStreamClientOptions s_noDelay = new() { InitialReconnectDelay = TimeSpan.Zero, MaxReconnectDelay = TimeSpan.Zero };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAndStreamAsync_ConnectionKilledSeveralTimes_DeliversEveryEventOnceInOrderAndResumesFromLastId()
    {
        var wire = Wire.Execution(42, 4);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript { Events = 2, Then = StreamEnd.Abort, ExecutionIdHeader = 42 }));
        server.On(
            Attach42,
            Respond.Stream(wire, new StreamScript { Events = 3, Then = StreamEnd.Abort }),
            Respond.Stream(wire, new StreamScript { Events = 1, Then = StreamEnd.Abort }),
            Respond.Stream(wire));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);

        var events = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        events.Select(e => e.Id).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        events.Select(e => e.ToString()).Should().Equal(wire);
        server.RequestsTo(Attach42).Select(r => r.LastEventId).Should().Equal("2", "5", "6");
        server.Requests.Should().HaveCount(4);
    }

    [Fact]
    public async Task StartAndStreamAsync_ServerSendsOldEventsAgain_SkipsThoseAlreadyDelivered()
    {
        var wire = Wire.Execution(42, 2);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript { Events = 4, Then = StreamEnd.Abort, ExecutionIdHeader = 42 }));
        server.On(Attach42, Respond.Stream(wire, new StreamScript { HonourLastEventId = false }));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);

        var events = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        events.Select(e => e.Id).Should().Equal(1, 2, 3, 4, 5, 6);
        server.RequestsTo(Attach42).Should().ContainSingle().Which.LastEventId.Should().Be("4");
    }

    [Fact]
    public async Task StartAndStreamAsync_DroppedBeforeFirstEvent_ReattachesToTheExecutionOfTheHeaderFromTheStart()
    {
        var wire = Wire.Execution(42, 1);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript
        {
            Events = 0,
            ExecutionIdHeader = 42,
            Tail = "id: 1\ndata: {\"type\":\"executionSta", // half an event, then the body ends
        }));
        server.On(Attach42, Respond.Stream(wire));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);

        var events = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        events.Select(e => e.Id).Should().Equal(1, 2, 3, 4);
        server.RequestsTo(Attach42).Should().ContainSingle().Which.LastEventId.Should().BeNull();
    }

    [Fact]
    public async Task StartAndStreamAsync_DroppedWithoutExecutionIdHeader_ReattachesToTheExecutionOfTheFirstEvent()
    {
        var wire = Wire.Execution(42, 2);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript { Events = 3, Then = StreamEnd.Abort }));
        server.On(Attach42, Respond.Stream(wire));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);

        var events = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        events.Select(e => e.Id).Should().Equal(1, 2, 3, 4, 5, 6);
        server.RequestsTo(Attach42).Should().ContainSingle().Which.LastEventId.Should().Be("3");
    }

    [Fact]
    public async Task StartAndStreamAsync_DroppedBeforeExecutionIdIsKnown_ThrowsExecutionStreamException()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(Wire.Execution(42, 1), new StreamScript { Events = 0 }));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);

        var act = () => client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        (await act.Should().ThrowAsync<ExecutionStreamException>()).Which.Message.Should().Contain("X-Execution-Id").And.Contain("cannot be re-attached");
        server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task StartAndStreamAsync_BodyEndsBeforeExecutionFinished_Reattaches()
    {
        var wire = Wire.Execution(42, 2);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript { Events = 3, Then = StreamEnd.Complete, ExecutionIdHeader = 42 }));
        server.On(Attach42, Respond.Stream(wire));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);

        var events = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        events.Select(e => e.Id).Should().Equal(1, 2, 3, 4, 5, 6);
        server.RequestsTo(Attach42).Should().ContainSingle().Which.LastEventId.Should().Be("3");
    }

    [Fact]
    public async Task AttachAsync_ConnectionKilled_ReattachesFromTheLastIdItDelivered()
    {
        var wire = Wire.Execution(42, 2);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(Attach42, Respond.Stream(wire, new StreamScript { Events = 2, Then = StreamEnd.Abort }), Respond.Stream(wire));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);

        var events = await client.AttachAsync(42, lastEventId: 1, Ct).CollectAsync(server);

        events.Select(e => e.Id).Should().Equal(2, 3, 4, 5, 6);
        server.RequestsTo(Attach42).Select(r => r.LastEventId).Should().Equal("1", "3");
    }

    [Fact]
    public async Task StartAndStreamAsync_ReattachAnsweredNotFound_ThrowsWithProblemAfterTheEventsDelivered()
    {
        var wire = Wire.Execution(42, 2);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript { Events = 3, Then = StreamEnd.Abort, ExecutionIdHeader = 42 }));
        server.On(Attach42, Respond.Problem(HttpStatusCode.NotFound, "urn:flowstream:execution-not-found", "Execution not found", "Execution 42 was not found"));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);
        var read = new List<ExecutionEvent>();

        var act = () => client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server, read);

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.StatusCode.Should().Be(HttpStatusCode.NotFound);
        error.ProblemType.Should().Be("urn:flowstream:execution-not-found");
        error.ExecutionId.Should().Be(42);
        read.Select(e => e.Id).Should().Equal(1, 2, 3);
        server.RequestsTo(Attach42).Should().ContainSingle("a 4xx is final");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StartAndStreamAsync_EveryReattachFails_ThrowsAfterMaxAttemptsWrappingTheLastError(bool serviceUnavailable)
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(Wire.Execution(42, 2), new StreamScript { Events = 1, Then = StreamEnd.Abort, ExecutionIdHeader = 42 }));
        server.On(Attach42, serviceUnavailable
            ? Respond.Problem(HttpStatusCode.ServiceUnavailable, "urn:test:down", "Down")
            : (context, _) =>
            {
                context.Abort();
                return Task.CompletedTask;
            });
        var client = new ExecutionStreamClient(server.CreateHttpClient(), new ExecutionStreamClientOptions
        {
            MaxReconnectAttempts = 3,
            InitialReconnectDelay = TimeSpan.Zero,
            MaxReconnectDelay = TimeSpan.Zero,
        });
        var read = new List<ExecutionEvent>();

        var act = () => client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server, read);

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.Message.Should().Contain("execution 42 after event 1").And.Contain("3 re-attach attempts in a row failed");
        error.ExecutionId.Should().Be(42);
        error.StatusCode.Should().BeNull();
        if (serviceUnavailable)
        {
            error.InnerException.Should().BeOfType<ExecutionStreamException>().Which.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        }
        else
        {
            error.InnerException.Should().BeOfType<HttpRequestException>();
        }

        read.Select(e => e.Id).Should().Equal(1);
        server.RequestsTo(Attach42).Should().HaveCount(3).And.OnlyContain(r => r.LastEventId == "1");
    }

    [Fact]
    public async Task StartAndStreamAsync_NewEventsBetweenFailures_StartsTheAttemptCountAgain()
    {
        var wire = Wire.Execution(42, 2);
        var unavailable = Respond.Problem(HttpStatusCode.ServiceUnavailable, "urn:test:down", "Down");
        var oneEventThenKill = Respond.Stream(wire, new StreamScript { Events = 1, Then = StreamEnd.Abort });
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript { Events = 1, Then = StreamEnd.Abort, ExecutionIdHeader = 42 }));
        server.On(Attach42, unavailable, oneEventThenKill, unavailable, oneEventThenKill, unavailable, Respond.Stream(wire));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), new ExecutionStreamClientOptions
        {
            MaxReconnectAttempts = 2,
            InitialReconnectDelay = TimeSpan.Zero,
            MaxReconnectDelay = TimeSpan.Zero,
        });

        var events = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        events.Select(e => e.Id).Should().Equal(1, 2, 3, 4, 5, 6);
        server.RequestsTo(Attach42).Select(r => r.LastEventId).Should().Equal("1", "1", "2", "2", "3", "3");
    }

    [Fact]
    public async Task StartAndStreamAsync_ReconnectOff_ThrowsOnTheFirstDropWithoutReattaching()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(Wire.Execution(42, 2), new StreamScript { Events = 2, Then = StreamEnd.Abort, ExecutionIdHeader = 42 }));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), new ExecutionStreamClientOptions { MaxReconnectAttempts = 0 });

        var act = () => client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.Message.Should().Contain("re-attaching is off");
        error.InnerException.Should().BeAssignableTo<IOException>();
        server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task StartAndStreamAsync_ReattachKeepsFailing_WaitsDoublingDelaysCappedAtTheMaximum()
    {
        var time = new RecordingTimeProvider(new FakeTimeProvider());
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(Wire.Execution(42, 2), new StreamScript { Events = 1, Then = StreamEnd.Abort, ExecutionIdHeader = 42 }));
        server.On(Attach42, Respond.Problem(HttpStatusCode.BadGateway, "urn:test:proxy", "Proxy"));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), new ExecutionStreamClientOptions
        {
            MaxReconnectAttempts = 5,
            InitialReconnectDelay = TimeSpan.FromMilliseconds(100),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
            TimeProvider = time,
        });
        TimeSpan[] expected = [.. new[] { 100, 200, 400, 500, 500 }.Select(ms => TimeSpan.FromMilliseconds(ms))];

        var run = client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);
        for (var attempt = 0; attempt < expected.Length; attempt++)
        {
            await time.WaitForTimersAsync(attempt + 1, Ct);
            time.Timers[attempt].Should().Be(expected[attempt]);
            server.RequestsTo(Attach42).Should().HaveCount(attempt, "no attempt goes out before its wait is over");
            time.Fake.Advance(expected[attempt] - TimeSpan.FromMilliseconds(1));
            server.RequestsTo(Attach42).Should().HaveCount(attempt, "the wait is not over 1 ms early");
            time.Fake.Advance(TimeSpan.FromMilliseconds(1));
        }

        var act = () => run;

        (await act.Should().ThrowAsync<ExecutionStreamException>()).Which.InnerException.Should().BeOfType<ExecutionStreamException>()
            .Which.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        time.Timers.Should().Equal(expected);
        server.RequestsTo(Attach42).Should().HaveCount(5);
    }

    [Fact]
    public async Task AttachAsync_CanceledMidStream_ThrowsOperationCanceledAndDoesNotReattach()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(Attach42, Respond.Stream(Wire.Execution(42, 2), new StreamScript { Events = 2, Then = StreamEnd.Hold }));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), s_noDelay);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var read = new List<long>();

        var act = async () =>
        {
            await foreach (var e in client.AttachAsync(42).WithCancellation(cts.Token))
            {
                read.Add(e.Id);
                if (e.Id == 2)
                {
                    await cts.CancelAsync();
                }
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        read.Should().Equal(1, 2);
        server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task StartAndStreamAsync_CanceledDuringBackoff_ThrowsOperationCanceledWithoutReattaching()
    {
        var time = new RecordingTimeProvider(new FakeTimeProvider());
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(Wire.Execution(42, 2), new StreamScript { Events = 1, Then = StreamEnd.Abort, ExecutionIdHeader = 42 }));
        server.On(Attach42, Respond.Stream(Wire.Execution(42, 2)));
        var client = new ExecutionStreamClient(server.CreateHttpClient(), new ExecutionStreamClientOptions { TimeProvider = time });
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var run = client.StartAndStreamAsync("w", cancellationToken: cts.Token).CollectAsync(server);
        await time.WaitForTimersAsync(1, Ct);
        await cts.CancelAsync();
        var act = () => run;

        await act.Should().ThrowAsync<OperationCanceledException>();
        time.Timers.Should().Equal(TimeSpan.FromMilliseconds(250));
        server.RequestsTo(Attach42).Should().BeEmpty();
    }
}
