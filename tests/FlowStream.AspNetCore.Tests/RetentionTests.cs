using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>
/// Events older than the retention window (<c>FlowStreamOptions.MaxRetainedEventsPerExecution</c>) over HTTP: a
/// <c>Last-Event-ID</c> older than the oldest retained event is answered 410 Gone (never 404: the execution exists), and a reader
/// that falls out of the window mid-stream has its stream ended, after which a reconnect gets that 410.
/// </summary>
public class RetentionTests
{
    private const int Retained = 10;

    /// <summary>"big": Start → Gate (waits for the test) → 30 set nodes, each output ~20 KB: 65 events, ~600 KB on the wire.</summary>
    private static readonly WorkflowDefinition Big = BuildBig(30);

    private static async Task<TestServer> StartServerAsync(Gates gates, HttpProtocols protocols = HttpProtocols.Http1AndHttp2) =>
        await TestServer.StartAsync(
            b =>
            {
                b.AddInMemoryWorkflowStore(Flows.Chain50, Big);
                gates.Register(b);
                b.Services.Configure<FlowStreamOptions>(o =>
                {
                    o.MaxRetainedEventsPerExecution = Retained;
                    o.SubscriberBufferCapacity = 2;
                });
            },
            protocols: protocols);

    [Theory]
    [InlineData("1")]
    [InlineData("50")]
    [InlineData("91")]
    public async Task Attach_LastEventIdOlderThanTheRetainedEvents_Answers410Gone(string lastEventId)
    {
        await using var server = await StartServerAsync(new Gates());
        var id = await server.StartAsync("""{"flowId": "chain50"}""");
        await server.WaitForCompletionAsync(id);

        // chain50 publishes 102 events; the last 10 (93..102) are retained, so an id before 92 lost the events after it.
        using var response = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream", lastEventId: lastEventId)).WithTimeout("the stream's response");

        await response.ShouldBeProblemAsync(HttpStatusCode.Gone, "urn:flowstream:problem:events-unavailable");
    }

    [Fact]
    public async Task Attach_NoLastEventIdAndTheFirstEventsDropped_Answers410Gone()
    {
        await using var server = await StartServerAsync(new Gates());
        var id = await server.StartAsync("""{"flowId": "chain50"}""");
        await server.WaitForCompletionAsync(id);

        using var response = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream")).WithTimeout("the stream's response");

        await response.ShouldBeProblemAsync(HttpStatusCode.Gone, "urn:flowstream:problem:events-unavailable");
    }

    [Fact]
    public async Task Attach_LastEventIdJustInsideTheRetainedEvents_ReplaysTheRest()
    {
        await using var server = await StartServerAsync(new Gates());
        var id = await server.StartAsync("""{"flowId": "chain50"}""");
        await server.WaitForCompletionAsync(id);

        using var response = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream", lastEventId: "92")).WithTimeout("the stream's response");
        using var sse = await response.OpenSseAsync();
        var events = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        events.Select(e => e.Id!.Value).Should().Equal(Enumerable.Range(93, 10).Select(i => (long)i));
        events[^1].Type.Should().Be("executionFinished");
    }

    [Fact]
    public async Task Stream_ReaderFallsOutOfRetentionMidStream_StreamEndsWithoutExecutionFinishedAndReconnectGets410()
    {
        var gates = new Gates();

        // HTTP/2: the client's flow-control window (64 KB) stops the server's writes while the test does not read, so the reader
        // really falls behind while the execution publishes ~600 KB.
        await using var server = await StartServerAsync(gates, HttpProtocols.Http2);
        using var client = server.CreateClient(HttpVersion.Version20, withTokenJar: true);
        using var start = await client.SendAsync(H2(Http.Post("/executions", """{"flowId": "big"}""")), Ct).WithTimeout("the start's response");
        start.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var id = (await start.ReadJsonAsync()).GetProperty("executionId").GetInt64();
        using var response = await client.SendStreamingAsync(H2(Http.Get($"/executions/{Format(id)}/stream"))).WithTimeout("the stream's response");
        response.StatusCode.Should().Be(HttpStatusCode.OK, await ReadIfProblemAsync(response));
        using var sse = await response.OpenSseAsync();
        var seen = new List<SseReader.Message>();
        while (seen.Count == 0 || seen[^1].Type != "nodeExecutionBefore" || seen[^1].Json.GetProperty("nodeName").GetString() != "Gate")
        {
            seen.Add(await sse.ReadMessageAsync(Ct).WithTimeout("the next SSE message") ?? throw new EndOfStreamException("The stream ended before Gate started."));
        }

        // Not reading now: the execution runs to its end while this reader is stuck far behind the 10 retained events.
        gates.Release("Gate");
        (await server.WaitForCompletionAsync(id)).Should().Be(ExecutionStatus.Success);
        seen.AddRange(await sse.ReadAllAsync(Ct).WithTimeout("the lagging stream to end"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        seen.Select(e => e.Id!.Value).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        seen.Select(e => e.Id!.Value).Should().Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), "a stream never skips an event: it ends instead");
        seen.Should().NotContain(e => e.Type == "executionFinished", "the reader fell out of the retained events before the end");
        seen.Count.Should().BeLessThan(65 - Retained);

        using var again = await client.SendStreamingAsync(H2(Http.Get($"/executions/{Format(id)}/stream", lastEventId: Format(seen[^1].Id!.Value)))).WithTimeout("the reconnect's response");
        await again.ShouldBeProblemAsync(HttpStatusCode.Gone, "urn:flowstream:problem:events-unavailable");
    }

    private static async Task<string> ReadIfProblemAsync(HttpResponseMessage response)
        => response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync(Ct);

    private static HttpRequestMessage H2(HttpRequestMessage request)
    {
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return request;
    }

    private static WorkflowDefinition BuildBig(int count)
    {
        var builder = new WorkflowBuilder("big", "Big outputs").AddNode("Start", "manualTrigger").AddNode("Gate", "gate");
        var names = Enumerable.Range(1, count).Select(i => $"S{i}").ToArray();
        var payload = new string('x', 20_000);
        foreach (var name in names)
        {
            builder.AddNode(name, "set", $$$"""{"values": {"payload": "{{{payload}}}"}}""");
        }

        return builder.Chain(["Start", "Gate", .. names]).Build();
    }
}
