using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary><c>GET /executions/{id}/stream</c> replays only what came after <c>Last-Event-ID</c> (header, else query), then follows live.</summary>
public class ResumeTests
{
    /// <summary>The six events of the "two" flow.</summary>
    private static readonly (long Id, string Type, string? Node)[] TwoFlowEvents =
    [
        (1, "executionStarted", null),
        (2, "nodeExecutionBefore", "Start"),
        (3, "nodeExecutionAfter", "Start"),
        (4, "nodeExecutionBefore", "Done"),
        (5, "nodeExecutionAfter", "Done"),
        (6, "executionFinished", null),
    ];

    [Theory]
    [InlineData("3", null, 3)]
    [InlineData(null, "3", 3)]
    [InlineData("5", "2", 5)]
    [InlineData(null, null, 0)]
    [InlineData("0", null, 0)]
    [InlineData(null, "0", 0)]
    [InlineData(" 3 ", null, 3)]
    [InlineData("", "4", 4)]
    public async Task Attach_FinishedExecution_ReplaysExactlyTheEventsAfterLastEventId(string? header, string? query, long after)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var id = await server.StartAsync("""{"flowId": "two"}""");
        await server.WaitForCompletionAsync(id);
        var path = $"/executions/{Format(id)}/stream" + (query is null ? "" : $"?lastEventId={query}");

        using var response = await server.Client.SendStreamingAsync(Http.Get(path, lastEventId: header));
        using var sse = await response.OpenSseAsync();
        var events = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        events.Select(e => (e.Id!.Value, e.Type, NodeName(e))).Should().Equal(TwoFlowEvents.Where(e => e.Id > after));
        events.Should().OnlyContain(e => e.Json.GetProperty("executionId").GetInt64() == id);
    }

    [Fact]
    public async Task Attach_FinishedExecutionAfterItsLastEvent_Answers204SoEventSourceStopsReconnecting()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var id = await server.StartAsync("""{"flowId": "two"}""");
        await server.WaitForCompletionAsync(id);

        using var response = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream", lastEventId: "6"));
        var body = await response.Content.ReadAsStringAsync(Ct).WithTimeout("the response body");

        response.StatusCode.Should().Be(HttpStatusCode.NoContent);
        body.Should().BeEmpty("everything up to the last event was already seen");
    }

    [Fact]
    public async Task Attach_ReplayedBytes_AreTheBytesOfTheOriginalStream()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        using var original = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "two", "inputData": {"x": 1}}"""));
        var originalBody = await original.Content.ReadAsStringAsync(Ct).WithTimeout("the response body");
        var id = original.Headers.GetValues("X-Execution-Id").Single();

        using var resumed = await server.Client.SendStreamingAsync(Http.Get($"/executions/{id}/stream", lastEventId: "3"));
        var resumedBody = await resumed.Content.ReadAsStringAsync(Ct).WithTimeout("the response body");

        resumedBody.Should().StartWith("id: 4\n");
        originalBody.Should().EndWith(resumedBody);
    }

    [Fact]
    public async Task Attach_RunningExecution_ReplaysThenFollowsLiveToExecutionFinished()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        await server.WaitForNodeStartAsync(id, "Gate");

        using var response = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream", lastEventId: "2"));
        using var sse = await response.OpenSseAsync();
        var replayed = new[] { await NextAsync(sse), await NextAsync(sse) };

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        replayed.Select(e => (e.Id!.Value, e.Type, NodeName(e))).Should().Equal((3, "nodeExecutionAfter", "Start"), (4, "nodeExecutionBefore", "Gate"));
        server.Execution(id).IsFinished.Should().BeFalse("the gate still holds");

        gates.Release("Gate");
        var live = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        live.Select(e => (e.Id!.Value, e.Type, NodeName(e))).Should().Equal(
            (5, "nodeExecutionAfter", "Gate"),
            (6, "nodeExecutionBefore", "Done"),
            (7, "nodeExecutionAfter", "Done"),
            (8, "executionFinished", null));
        live[^1].Json.GetProperty("status").GetString().Should().Be("success");
    }

    [Fact]
    public async Task Attach_RunningExecutionAtItsLastEvent_SendsHeadersBeforeAnyEvent()
    {
        // No heartbeat will come to push the headers out: they must be sent although no event is there to write.
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates), o => o.HeartbeatInterval = TimeSpan.FromHours(1));
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        await server.WaitForNodeStartAsync(id, "Gate");

        using var response = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream", lastEventId: "4")).WithTimeout("the server's response");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        server.Execution(id).IsFinished.Should().BeFalse("the gate still holds, so no event followed the last one");
        gates.Release("Gate");
        using var sse = await response.OpenSseAsync();
        (await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end")).Select(e => e.Id!.Value).Should().Equal(5, 6, 7, 8);
    }

    [Fact]
    public async Task Attach_TwoClientsAtDifferentPositions_EachGetsItsOwnRemainder()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        await server.WaitForNodeStartAsync(id, "Gate");

        using var fromStart = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream"));
        using var fromFour = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream?lastEventId=1", lastEventId: "4"));
        using var first = await fromStart.OpenSseAsync();
        using var second = await fromFour.OpenSseAsync();
        (await NextAsync(first)).Id.Should().Be(1);
        gates.Release("Gate");
        var firstRest = await first.ReadAllAsync(Ct).WithTimeout("the first SSE stream to end");
        var secondAll = await second.ReadAllAsync(Ct).WithTimeout("the second SSE stream to end");

        firstRest.Select(e => e.Id!.Value).Should().Equal(2, 3, 4, 5, 6, 7, 8);
        secondAll.Select(e => e.Id!.Value).Should().Equal(5, 6, 7, 8);
    }

    private static string? NodeName(SseReader.Message message)
        => message.Json.TryGetProperty("nodeName", out var name) ? name.GetString() : null;

    private static async Task<SseReader.Message> NextAsync(SseReader sse)
        => await sse.ReadMessageAsync(Ct).WithTimeout("the next SSE message") ?? throw new EndOfStreamException("The stream ended first.");
}
