using System.Globalization;
using System.Net;
using System.Text.Json;
using FlowStream.AspNetCore.Tests.Infrastructure;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary><c>POST /executions</c>, <c>GET /executions/{id}</c> and <c>POST /executions/{id}/cancel|pause|resume</c>.</summary>
public class ControlAndStatusTests
{
    [Fact]
    public async Task Start_StoredFlow_Answers202WithLocationAndSummary()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));

        using var response = await server.Client.SendAsync(Http.Post("/executions", """{"flowId": "gated", "inputData": {"x": 1}}"""), Ct);
        var body = await response.ReadJsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        var id = body.GetProperty("executionId").GetInt64();
        server.Engine.ListExecutions().Select(e => e.Id).Should().Equal(id);
        response.Headers.Location!.OriginalString.Should().Be($"/executions/{Format(id)}");
        body.GetProperty("workflowId").GetString().Should().Be("gated");
        body.GetProperty("workflowName").GetString().Should().Be("Gated");
        body.GetProperty("mode").GetString().Should().Be("manual");
        body.GetProperty("status").GetString().Should().Be("running", "the gate holds the execution");
        ParseTime(body.GetProperty("startedAt")).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        body.TryGetProperty("finishedAt", out _).Should().BeFalse();
        body.GetProperty("nodes").EnumerateArray().Select(n => (n.GetProperty("name").GetString(), n.GetProperty("type").GetString()))
            .Should().Equal(("Start", "manualTrigger"), ("Gate", "gate"), ("Done", "noOp"));

        // The Location leads to the same execution.
        using var status = await server.Client.GetAsync(response.Headers.Location, Ct);
        status.StatusCode.Should().Be(HttpStatusCode.OK);
        (await status.ReadJsonAsync()).GetProperty("executionId").GetInt64().Should().Be(id);
        gates.Release("Gate");
        (await server.WaitForCompletionAsync(id)).Should().Be(ExecutionStatus.Success);
    }

    [Fact]
    public async Task Start_ModeGiven_SummaryAndEventsCarryIt()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        var id = await server.StartAsync("""{"flowId": "two", "mode": "webhook"}""");
        await server.WaitForCompletionAsync(id);
        using var response = await server.Client.GetAsync($"/executions/{Format(id)}", Ct);

        (await response.ReadJsonAsync()).GetProperty("mode").GetString().Should().Be("webhook");
        (await server.WaitForEventAsync(id, e => e.Type == "executionStarted")).Data.GetProperty("mode").GetString().Should().Be("webhook");
    }

    [Fact]
    public async Task GetStatus_WhileRunning_ShowsRunningAndPerNodeStatus()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var id = await server.StartAsync("""{"flowId": "gated", "inputData": {"x": 1}}""");
        await server.WaitForNodeStartAsync(id, "Gate");

        using var response = await server.Client.GetAsync($"/executions/{Format(id)}", Ct);
        var body = await response.ReadJsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.CacheControl!.NoStore.Should().BeTrue();
        body.GetProperty("executionId").GetInt64().Should().Be(id);
        body.GetProperty("status").GetString().Should().Be("running");
        body.TryGetProperty("finishedAt", out _).Should().BeFalse();
        body.GetProperty("lastEventId").GetInt64().Should().Be(4, "executionStarted, Start before/after, Gate before");
        var nodes = Nodes(body);
        nodes["Start"].GetProperty("status").GetString().Should().Be("success");
        nodes["Start"].GetProperty("output").GetRawText().Should().Be("""{"x":1}""");
        nodes["Gate"].GetProperty("status").GetString().Should().Be("running");
        nodes["Gate"].GetProperty("attempts").GetInt32().Should().Be(1);
        nodes["Gate"].TryGetProperty("startedAt", out _).Should().BeTrue();
        nodes["Gate"].TryGetProperty("output", out _).Should().BeFalse();
        nodes["Done"].GetProperty("status").GetString().Should().Be("pending");
        nodes["Done"].TryGetProperty("startedAt", out _).Should().BeFalse();

        gates.Release("Gate");
        await server.WaitForCompletionAsync(id);
    }

    [Fact]
    public async Task GetStatus_AfterSuccess_ShowsSuccessFinishedAtOutputsAndLastEventId()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var id = await server.StartAsync("""{"flowId": "two", "inputData": {"x": 1}}""");
        await server.WaitForCompletionAsync(id);

        using var response = await server.Client.GetAsync($"/executions/{Format(id)}", Ct);
        var body = await response.ReadJsonAsync();
        using var stream = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream"));
        using var sse = await stream.OpenSseAsync();
        var events = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        body.GetProperty("status").GetString().Should().Be("success");
        body.TryGetProperty("error", out _).Should().BeFalse();
        ParseTime(body.GetProperty("finishedAt")).Should().BeOnOrAfter(ParseTime(body.GetProperty("startedAt")));
        events.Should().HaveCount(6);
        body.GetProperty("lastEventId").GetInt64().Should().Be(events.Count).And.Be(events[^1].Id!.Value);
        var nodes = Nodes(body);
        nodes.Values.Select(n => n.GetProperty("status").GetString()).Should().Equal("success", "success");
        nodes.Values.Select(n => n.GetProperty("output").GetRawText()).Should().Equal("""{"x":1}""", """{"x":1}""");
        nodes.Values.Select(n => n.TryGetProperty("finishedAt", out var f) && f.ValueKind == JsonValueKind.String).Should().Equal(true, true);
    }

    [Fact]
    public async Task GetStatus_FailingInlineFlow_ShowsErrorWithMessageAndTheNodesError()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.AllowInlineWorkflows = true);
        var id = await server.StartAsync("""
            {"workflow": {"id": "failing", "name": "Failing",
              "nodes": [{"name": "Start", "type": "manualTrigger"}, {"name": "Fail", "type": "stopAndError", "parameters": {"message": "boom at {{ $input.where }}"}}, {"name": "After", "type": "noOp"}],
              "connections": [{"from": "Start", "to": "Fail"}, {"from": "Fail", "to": "After"}]},
             "inputData": {"where": "step 2"}}
            """);
        (await server.WaitForCompletionAsync(id)).Should().Be(ExecutionStatus.Error);

        using var response = await server.Client.GetAsync($"/executions/{Format(id)}", Ct);
        var body = await response.ReadJsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        body.GetProperty("status").GetString().Should().Be("error");
        body.TryGetProperty("finishedAt", out _).Should().BeTrue();
        body.GetProperty("error").GetProperty("message").GetString().Should().Contain("boom at step 2");
        body.GetProperty("error").GetProperty("nodeName").GetString().Should().Be("Fail");
        var nodes = Nodes(body);
        nodes["Start"].GetProperty("status").GetString().Should().Be("success");
        nodes["Fail"].GetProperty("status").GetString().Should().Be("error");
        nodes["Fail"].GetProperty("error").GetProperty("message").GetString().Should().Contain("boom at step 2");
        nodes["Fail"].TryGetProperty("output", out _).Should().BeFalse();
        nodes["After"].GetProperty("status").GetString().Should().Be("skipped");
    }

    [Fact]
    public async Task Pause_RunningExecution_NextNodeWaitsForResume()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        using var stream = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream"));
        using var sse = await stream.OpenSseAsync();
        await ReadUntilAsync(sse, m => m.Type == "nodeExecutionBefore" && m.Json.GetProperty("nodeName").GetString() == "Gate");

        using var pause = await server.Client.SendAsync(Control($"/executions/{Format(id)}/pause"), Ct);
        var paused = await pause.ReadJsonAsync();

        pause.StatusCode.Should().Be(HttpStatusCode.Accepted);
        paused.GetProperty("status").GetString().Should().Be("paused");
        (await NextAsync(sse)).Type.Should().Be("executionPaused");

        // The running node finishes; the next one does not start while paused.
        gates.Release("Gate");
        var gateAfter = await NextAsync(sse);
        (gateAfter.Type, gateAfter.Json.GetProperty("nodeName").GetString()).Should().Be(("nodeExecutionAfter", "Gate"));
        using (var status = await server.Client.GetAsync($"/executions/{Format(id)}", Ct))
        {
            var body = await status.ReadJsonAsync();
            body.GetProperty("status").GetString().Should().Be("paused");
            Nodes(body)["Gate"].GetProperty("status").GetString().Should().Be("success");
            Nodes(body)["Done"].GetProperty("status").GetString().Should().Be("pending");
        }

        server.Execution(id).IsFinished.Should().BeFalse();

        using var resume = await server.Client.SendAsync(Control($"/executions/{Format(id)}/resume"), Ct);
        var resumed = await resume.ReadJsonAsync();
        var rest = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        resume.StatusCode.Should().Be(HttpStatusCode.Accepted);
        resumed.GetProperty("status").GetString().Should().BeOneOf("running", "success");
        rest.Select(m => (m.Type, m.Json.TryGetProperty("nodeName", out var n) ? n.GetString() : null)).Should().Equal(
            ("executionResumed", null),
            ("nodeExecutionBefore", "Done"),
            ("nodeExecutionAfter", "Done"),
            ("executionFinished", null));
        rest[^1].Json.GetProperty("status").GetString().Should().Be("success");
    }

    [Fact]
    public async Task Resume_RunningExecutionNotPaused_Answers202AndChangesNothing()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        await server.WaitForNodeStartAsync(id, "Gate");

        using var resume = await server.Client.SendAsync(Control($"/executions/{Format(id)}/resume"), Ct);

        resume.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await resume.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("running");
        gates.Release("Gate");
        await server.WaitForCompletionAsync(id);
        var types = new List<string>();
        await foreach (var e in server.Engine.SubscribeAsync(id, 0, Ct))
        {
            types.Add(e.Type);
        }

        types.Should().NotContain(["executionPaused", "executionResumed"]);
    }

    [Fact]
    public async Task Cancel_RunningExecution_EndsCanceledAndItsStreamEndsWithExecutionFinishedCanceled()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        using var stream = await server.Client.SendStreamingAsync(Http.Get($"/executions/{Format(id)}/stream"));
        using var sse = await stream.OpenSseAsync();
        await ReadUntilAsync(sse, m => m.Type == "nodeExecutionBefore" && m.Json.GetProperty("nodeName").GetString() == "Gate");

        using var cancel = await server.Client.SendAsync(Control($"/executions/{Format(id)}/cancel"), Ct);
        var rest = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await cancel.ReadJsonAsync()).GetProperty("executionId").GetInt64().Should().Be(id);
        rest[^1].Type.Should().Be("executionFinished");
        rest[^1].Json.GetProperty("status").GetString().Should().Be("canceled");
        rest.Should().NotContain(m => m.Type == "nodeExecutionBefore", "Done never starts");
        (await server.WaitForCompletionAsync(id)).Should().Be(ExecutionStatus.Canceled);
        using var status = await server.Client.GetAsync($"/executions/{Format(id)}", Ct);
        var body = await status.ReadJsonAsync();
        body.GetProperty("status").GetString().Should().Be("canceled");
        body.GetProperty("lastEventId").GetInt64().Should().Be(rest[^1].Id!.Value);
        Nodes(body)["Gate"].GetProperty("status").GetString().Should().Be("canceled");
        Nodes(body)["Done"].GetProperty("status").GetString().Should().Be("skipped");
    }

    [Fact]
    public async Task Cancel_PausedExecution_EndsCanceled()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        await server.WaitForNodeStartAsync(id, "Gate");
        using (var pause = await server.Client.SendAsync(Control($"/executions/{Format(id)}/pause"), Ct))
        {
            pause.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        using var cancel = await server.Client.SendAsync(Control($"/executions/{Format(id)}/cancel"), Ct);

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await server.WaitForCompletionAsync(id)).Should().Be(ExecutionStatus.Canceled);
    }

    private static Dictionary<string, JsonElement> Nodes(JsonElement summary)
        => summary.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("name").GetString()!);

    private static DateTimeOffset ParseTime(JsonElement value)
    {
        var text = value.GetString()!;
        text.Should().EndWith("Z");
        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    private static async Task<SseReader.Message> NextAsync(SseReader sse)
        => await sse.ReadMessageAsync(Ct).WithTimeout("the next SSE message") ?? throw new EndOfStreamException("The stream ended first.");

    private static async Task ReadUntilAsync(SseReader sse, Func<SseReader.Message, bool> match)
    {
        while (!match(await NextAsync(sse)))
        {
        }
    }
}
