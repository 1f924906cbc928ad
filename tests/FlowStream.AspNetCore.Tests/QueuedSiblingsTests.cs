using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>
/// Cancel and pause over HTTP with siblings queued: Start → Gate, C, D under parallelism 1, so C and D wait in the queue while
/// Gate runs. (The "gated" chain cannot show a node starting after cancel: its successor could not start anyway.)
/// </summary>
public class QueuedSiblingsTests
{
    private static readonly WorkflowDefinition Siblings = new WorkflowBuilder("siblings", "Siblings")
        .AddNode("Start", "manualTrigger").AddNode("Gate", "gate").AddNode("C", "noOp").AddNode("D", "noOp")
        .Connect("Start", "Gate").Connect("Start", "C").Connect("Start", "D")
        .WithMaxDegreeOfParallelism(1)
        .Build();

    [Fact]
    public async Task Cancel_WhileGateRunsWithSiblingsQueued_StreamShowsNoOtherNodeStartAndEndsCanceled()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b =>
        {
            b.AddInMemoryWorkflowStore(Siblings);
            gates.Register(b);
        });
        var id = await server.StartAsync("""{"flowId": "siblings"}""");
        using var stream = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream")).WithTimeout("the stream's response");
        using var sse = await stream.OpenSseAsync();
        await server.WaitForNodeStartAsync(id, "Gate");

        using var cancel = await server.Client.SendAsync(Control($"/executions/{Format(id)}/cancel"), Ct).WithTimeout("the cancel's response");
        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var events = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        events.Where(e => e.Type == "nodeExecutionBefore").Select(e => e.Json.GetProperty("nodeName").GetString()).Should().Equal(["Start", "Gate"], "C and D were only queued when the cancel came");
        events[^1].Type.Should().Be("executionFinished");
        events[^1].Json.GetProperty("status").GetString().Should().Be("canceled");
        using var status = await server.Client.GetAsync($"/executions/{Format(id)}", Ct).WithTimeout("the status response");
        var nodes = (await status.ReadJsonAsync()).GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!, n => n.GetProperty("status").GetString());
        nodes["C"].Should().Be("skipped");
        nodes["D"].Should().Be("skipped");
    }
}
