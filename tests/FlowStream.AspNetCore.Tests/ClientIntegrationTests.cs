using System.Text.Json;
using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.Client;
using FlowStream.Testing;
using Microsoft.AspNetCore.Builder;
using ClientEvent = FlowStream.Client.ExecutionEvent;

namespace FlowStream.AspNetCore.Tests;

/// <summary>FlowStream.Client against the real MapExecutionStream endpoints on Kestrel.</summary>
public class ClientIntegrationTests
{

    [Fact]
    public async Task StartAndStream_ServerKillsTheConnectionTwice_ClientDeliversEveryEventExactlyOnceInOrder()
    {
        // Each cut happens once the client has yielded the 10th event of that stream (an abort discards what is not yet on
        // the wire, so cutting earlier could leave the client with nothing to resume from).
        var received = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        var killer = new StreamCutter(
            c => c.Request.Path.Value!.EndsWith("/stream", StringComparison.Ordinal),
            afterEvents: 10,
            times: 2,
            beforeCut: number => received[number - 1].Task.WithTimeout($"the client to receive the event before cut {number}"));

        // Flush after every event (MaxUnflushedBytes = 1) so that the cut falls mid-stream even when the flow's events are all queued at once.
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.MaxUnflushedBytes = 1, configurePipeline: app => app.Use(killer.Middleware));
        // A client without the test token jar: the anonymous re-attaches get through with the token the client kept from the start.
        using var http = server.CreateClient();
        var client = new ExecutionStreamClient(http, new ExecutionStreamClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(1) });

        var events = new List<ClientEvent>();
        await foreach (var e in client.StartAndStreamAsync("chain50", default, TestContext.Current.CancellationToken).WithCancellation(TestContext.Current.CancellationToken))
        {
            events.Add(e);
            if (e.Id == 10)
            {
                received[0].TrySetResult();
            }
            else if (e.Id == 20)
            {
                received[1].TrySetResult();
            }
        }

        killer.Cut.Should().Be(2, "the server cut two streams mid-way");
        events.Select(e => e.Id).Should().Equal(Enumerable.Range(1, 102).Select(i => (long)i));
        events[^1].IsTerminal.Should().BeTrue();
        events[^1].TryGetExecutionFinished(out var finished).Should().BeTrue();
        finished!.Status.Should().Be("success");
        killer.Requests.Should().Be(3, "the start request and two re-attaches");
        killer.ResumedFrom.Should().HaveCount(2).And.OnlyContain(id => id >= 10 && id <= 102, "each re-attach resumed from the last event the client had");
    }

    [Fact]
    public async Task Client_ControlAndStatus_WorkAgainstTheRealEndpoints()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        using var http = server.CreateClient();
        var client = new ExecutionStreamClient(http);

        var started = await client.StartAsync(new StartExecutionRequest { FlowId = "gated", InputData = JsonDocument.Parse("""{"n": 1}""").RootElement }, TestContext.Current.CancellationToken);
        started.Status.Should().Be("running");
        var paused = await client.PauseAsync(started.ExecutionId, TestContext.Current.CancellationToken);
        paused.Status.Should().Be("paused");
        (await client.ResumeAsync(started.ExecutionId, TestContext.Current.CancellationToken)).Status.Should().Be("running");
        (await client.CancelAsync(started.ExecutionId, TestContext.Current.CancellationToken)).ExecutionId.Should().Be(started.ExecutionId);

        var events = new List<ClientEvent>();
        await foreach (var e in client.AttachAsync(started.ExecutionId, 0, TestContext.Current.CancellationToken).WithCancellation(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        events[^1].TryGetExecutionFinished(out var finished).Should().BeTrue();
        finished!.Status.Should().Be("canceled");
        events.Select(e => e.Type).Should().Contain([ExecutionEventTypes.ExecutionPaused, ExecutionEventTypes.ExecutionResumed]);
        var status = await client.GetStatusAsync(started.ExecutionId, TestContext.Current.CancellationToken);
        status.Status.Should().Be("canceled");
        status.LastEventId.Should().Be(events[^1].Id);

        var conflict = () => client.CancelAsync(started.ExecutionId, TestContext.Current.CancellationToken);
        (await conflict.Should().ThrowAsync<ExecutionStreamException>()).Which.ProblemType.Should().Be(ExecutionStreamProblemTypes.ExecutionFinished);
        var missing = () => client.GetStatusAsync(424242, TestContext.Current.CancellationToken);
        (await missing.Should().ThrowAsync<ExecutionStreamException>()).Which.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Client_CarriesItsTokens_ReadsWholeOutputs_AndSharesReadOnly()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        using var http = server.CreateClient();
        var client = new ExecutionStreamClient(http);
        var ct = TestContext.Current.CancellationToken;

        var started = await client.StartAsync(new StartExecutionRequest { FlowId = "gated", InputData = JsonDocument.Parse("""{"n": 1}""").RootElement }, ct);
        started.AccessToken.Should().NotBeNullOrEmpty();
        await server.WaitForNodeStartAsync(started.ExecutionId, "Gate");
        (await client.GetNodeOutputAsync(started.ExecutionId, "Start", ct)).GetProperty("n").GetInt32().Should().Be(1);
        var share = await client.CreateShareTokenAsync(started.ExecutionId, TimeSpan.FromMinutes(5), ct);
        share.Access.Should().Be("read");
        share.ExpiresAt.Should().BeAfter(DateTimeOffset.UtcNow.AddMinutes(4));

        using var watcherHttp = server.CreateClient();
        var watcher = new ExecutionStreamClient(watcherHttp);
        var stranger = () => watcher.GetStatusAsync(started.ExecutionId, ct);
        (await stranger.Should().ThrowAsync<ExecutionStreamException>()).Which.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        watcher.SetExecutionToken(started.ExecutionId, share.Token);
        (await watcher.GetStatusAsync(started.ExecutionId, ct)).Status.Should().Be("running");
        var control = () => watcher.CancelAsync(started.ExecutionId, ct);
        (await control.Should().ThrowAsync<ExecutionStreamException>()).Which.StatusCode.Should().Be(System.Net.HttpStatusCode.Forbidden);

        gates.Release("Gate");
        var events = new List<ClientEvent>();
        await foreach (var e in watcher.AttachAsync(started.ExecutionId, 0, ct).WithCancellation(ct))
        {
            events.Add(e);
        }

        events[^1].TryGetExecutionFinished(out var finished).Should().BeTrue();
        finished!.Status.Should().Be("success");
    }
}
