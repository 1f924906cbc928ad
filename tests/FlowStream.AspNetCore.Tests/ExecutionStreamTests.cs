using System.Net;
using System.Text;
using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FlowStream.AspNetCore.Tests;

public class ExecutionStreamTests
{

    [Fact]
    public async Task StartAndStream_TwoNodeFlow_WritesExactBytesAndHeaders()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), fakeTime: true);

        using var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "two", "inputData": {"x": 1}}"""));
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.ToString().Should().Be("text/event-stream");
        response.Headers.CacheControl!.ToString().Should().Be("no-cache");
        response.Headers.GetValues("X-Accel-Buffering").Should().Equal("no");
        response.Content.Headers.ContentEncoding.Should().Equal("identity");
        response.Headers.Connection.Should().Contain("keep-alive");
        var id = response.Headers.GetValues("X-Execution-Id").Single();
        const string T = "2026-01-01T00:00:00.000Z";
        var expected = new StringBuilder()
            .Append($$$"""id: 1{{{"\n"}}}data: {"type":"executionStarted","data":{"executionId":{{{id}}},"mode":"manual","workflowId":"two","workflowName":"Two","startedAt":"{{{T}}}","totalNodes":2}}{{{"\n\n"}}}""")
            .Append($$$"""id: 2{{{"\n"}}}data: {"type":"nodeExecutionBefore","data":{"executionId":{{{id}}},"nodeName":"Start","nodeType":"manualTrigger","startedAt":"{{{T}}}","attempt":1}}{{{"\n\n"}}}""")
            .Append($$$"""id: 3{{{"\n"}}}data: {"type":"nodeExecutionAfter","data":{"executionId":{{{id}}},"nodeName":"Start","nodeType":"manualTrigger","status":"success","data":{"x":1},"attempt":1,"finishedAt":"{{{T}}}","executionTimeMs":0,"progress":{"completed":1,"total":2,"percent":50},"estimatedRemainingMs":0}}{{{"\n\n"}}}""")
            .Append($$$"""id: 4{{{"\n"}}}data: {"type":"nodeExecutionBefore","data":{"executionId":{{{id}}},"nodeName":"Done","nodeType":"noOp","startedAt":"{{{T}}}","attempt":1}}{{{"\n\n"}}}""")
            .Append($$$"""id: 5{{{"\n"}}}data: {"type":"nodeExecutionAfter","data":{"executionId":{{{id}}},"nodeName":"Done","nodeType":"noOp","status":"success","data":{"x":1},"attempt":1,"finishedAt":"{{{T}}}","executionTimeMs":0,"progress":{"completed":2,"total":2,"percent":100},"estimatedRemainingMs":0}}{{{"\n\n"}}}""")
            .Append($$$"""id: 6{{{"\n"}}}data: {"type":"executionFinished","data":{"executionId":{{{id}}},"status":"success","finishedAt":"{{{T}}}","executionTimeMs":0}}{{{"\n\n"}}}""")
            .ToString();
        body.Should().Be(expected);
    }

    [Fact]
    public async Task StartAndStream_Http2PriorKnowledge_HasNoConnectionHeader()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), protocols: HttpProtocols.Http2);
        using var client = server.CreateClient(HttpVersion.Version20);

        var request = Http.Post("/executions/stream", """{"flowId": "two"}""");
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        using var response = await client.SendStreamingAsync(request);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        response.Version.Should().Be(HttpVersion.Version20);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        response.Headers.Contains("Connection").Should().BeFalse("Connection is illegal on HTTP/2");
        body.Should().EndWith("\n\n").And.Contain("\"type\":\"executionFinished\"");
    }

    [Fact]
    public async Task StartAndStream_HeadersArriveBeforeTheFirstNodeFinishes()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));

        using var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "gated"}""")).WithTimeout("the awaited step");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var id = long.Parse(response.Headers.GetValues("X-Execution-Id").Single(), System.Globalization.CultureInfo.InvariantCulture);
        server.Engine.TryGetExecution(id, out var execution).Should().BeTrue();
        execution!.IsFinished.Should().BeFalse("the gate has not been released");
        gates.Release("Gate");
        using var sse = await response.OpenSseAsync();
        (await sse.ReadAllAsync(TestContext.Current.CancellationToken))[^1].Type.Should().Be("executionFinished");
    }

    [Fact]
    public async Task StartAndStream_EventsArriveLiveNotBuffered()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        using var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "gated"}"""));
        using var sse = await response.OpenSseAsync();

        // The gate opens only once the test has read the gate's nodeExecutionBefore: a buffered stream would never get here.
        SseReader.Message? message;
        do
        {
            message = await sse.ReadMessageAsync(TestContext.Current.CancellationToken).WithTimeout("the awaited step");
        }
        while (message is not null && !(message.Type == "nodeExecutionBefore" && message.Json.GetProperty("nodeName").GetString() == "Gate"));

        message.Should().NotBeNull();
        gates.Release("Gate");
        var rest = await sse.ReadAllAsync(TestContext.Current.CancellationToken).WithTimeout("the SSE stream to end");
        rest.Select(m => m.Type).Should().Equal("nodeExecutionAfter", "nodeExecutionBefore", "nodeExecutionAfter", "executionFinished");
    }

    [Fact]
    public async Task Stream_NodeWaits_HeartbeatCommentIsWritten()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates), o => o.HeartbeatInterval = TimeSpan.FromMilliseconds(100));
        using var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "gated"}"""));
        using var sse = await response.OpenSseAsync();

        var line = await sse.ReadLineUntilAsync(l => l.StartsWith(':'), TestContext.Current.CancellationToken).WithTimeout("the awaited step");

        line.Should().Be(": keepalive");
        sse.Raw.Should().Contain("\"nodeName\":\"Gate\"", "the heartbeat comes while the gate node waits");
        gates.Release("Gate");
        (await sse.ReadAllAsync(TestContext.Current.CancellationToken))[^1].Type.Should().Be("executionFinished");
    }

    [Fact]
    public async Task Disconnect_MidStream_ExecutionCompletesAndSubscriptionIsReleased()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        using var readers = new ActiveReaders(server.App.Services);
        var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "gated"}"""));
        var id = long.Parse(response.Headers.GetValues("X-Execution-Id").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var sse = await response.OpenSseAsync();
        await sse.ReadLineUntilAsync(l => l.Contains("\"nodeName\":\"Gate\""), TestContext.Current.CancellationToken);
        readers.Count.Should().Be(1, "the stream reads the execution's log");

        sse.Dispose();
        response.Dispose();

        await readers.WhenZeroAsync().WithTimeout("the awaited step");
        server.Engine.TryGetExecution(id, out var execution).Should().BeTrue();
        execution!.IsFinished.Should().BeFalse("a client that goes away does not stop its execution");
        gates.Release("Gate");
        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);
    }

    [Fact]
    public async Task Disconnect_WithCancelOnDisconnect_CancelsTheExecution()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates), o => o.CancelOnDisconnect = true);
        var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "gated"}"""));
        var id = long.Parse(response.Headers.GetValues("X-Execution-Id").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var sse = await response.OpenSseAsync();
        await sse.ReadLineUntilAsync(l => l.Contains("\"nodeName\":\"Gate\""), TestContext.Current.CancellationToken);

        sse.Dispose();
        response.Dispose();

        server.Engine.TryGetExecution(id, out var execution).Should().BeTrue();
        (await execution!.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Canceled);
    }

    [Fact]
    public async Task HostShutdown_CancelsRunningExecutionsAndEndsStreamsAfterExecutionFinished()
    {
        var gates = new Gates();
        var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        using var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "gated"}"""));
        using var sse = await response.OpenSseAsync();
        await sse.ReadLineUntilAsync(l => l.Contains("\"nodeName\":\"Gate\""), TestContext.Current.CancellationToken);

        var stopping = server.App.StopAsync(TestContext.Current.CancellationToken);
        var rest = await sse.ReadAllAsync(TestContext.Current.CancellationToken).WithTimeout("the SSE stream to end");
        await stopping.WithTimeout("the awaited step");

        rest[^1].Type.Should().Be("executionFinished");
        rest[^1].Json.GetProperty("status").GetString().Should().Be("canceled");
        await server.DisposeAsync();
    }

    [Fact]
    public async Task HostShutdown_CancelsARunningExecutionThatNoStreamWatches()
    {
        // No stream: only the shutdown hook can cancel it (a stream's disconnect would cancel it too, hiding a missing hook).
        var gates = new Gates();
        var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        await server.WaitForNodeStartAsync(id, "Gate");
        var execution = server.Execution(id);

        await server.App.StopAsync(TestContext.Current.CancellationToken).WithTimeout("the server to stop");
        await Task.WhenAny(execution.Completion, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        execution.Status.Should().Be(ExecutionStatus.Canceled, "stopping the host cancels the executions still running");
        await server.DisposeAsync();
    }

    [Fact]
    public async Task ConcurrentStreams_200StreamsOf50NodeFlow_AllCompleteAndOrdered()
    {
        // 200 at once from one (anonymous, loopback) caller: above the default per-owner quota of 100.
        await using var server = await TestServer.StartAsync(b =>
        {
            Flows.Register(b);
            b.Services.Configure<FlowStreamOptions>(o => o.MaxRunningExecutionsPerOwner = 1_000);
        });

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "chain50"}"""));
            using var sse = await response.OpenSseAsync();
            return await sse.ReadAllAsync(TestContext.Current.CancellationToken);
        })).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        results.Should().HaveCount(200);
        foreach (var messages in results)
        {
            messages.Should().HaveCount(102);
            messages.Select(m => m.Id!.Value).Should().Equal(Enumerable.Range(1, 102).Select(i => (long)i));
            messages[^1].Json.GetProperty("status").GetString().Should().Be("success");
        }

        results.Select(r => r[0].Json.GetProperty("executionId").GetInt64()).Should().OnlyHaveUniqueItems();
    }
}
