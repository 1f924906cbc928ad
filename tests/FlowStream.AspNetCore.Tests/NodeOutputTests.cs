using System.Net;
using System.Text;
using FlowStream.AspNetCore.Tests.Infrastructure;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Issue 11, claim check: <c>GET /executions/{id}/nodes/{nodeName}/output</c> serves a node's whole output; the status summary stays small.</summary>
public class NodeOutputTests
{
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A <c>two</c> start whose input (the Start node's output) is 200 KiB of text, non-ASCII and HTML-ish characters included.</summary>
    internal static string LargeInputBody(out string text)
    {
        text = "héllo <&> ünïcödé ✓ " + new string('x', 200 * 1024);
        return JsonSerializerText(text);

        static string JsonSerializerText(string value) => $$$"""{"flowId": "two", "inputData": {"text": {{{System.Text.Json.JsonSerializer.Serialize(value, Relaxed)}}}}}""";
    }

    [Fact]
    public async Task Output_LargeOutput_ServedWhole()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var body = LargeInputBody(out var text);
        var id = await server.StartAsync(body);
        await server.WaitForCompletionAsync(id);

        using var response = await server.Client.GetAsync($"/executions/{Format(id)}/nodes/Start/output", Ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        response.Content.Headers.ContentLength.Should().Be(bytes.Length);
        (System.Text.Json.JsonDocument.Parse(bytes).RootElement.GetProperty("text").GetString() == text).Should().BeTrue("the whole output is served");
        Encoding.UTF8.GetString(bytes).Contains("héllo <&>", StringComparison.Ordinal).Should().BeTrue("the output is sent as UTF-8, not escaped");
    }

    [Fact]
    public async Task Status_LargeOutput_IsAClaimCheckNotTheData()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var id = await server.StartAsync(LargeInputBody(out _));
        await server.WaitForCompletionAsync(id);

        using var response = await server.Client.GetAsync($"/executions/{Format(id)}", Ct);
        var length = (await response.Content.ReadAsByteArrayAsync(Ct)).Length;
        using var again = await server.Client.GetAsync($"/executions/{Format(id)}", Ct);
        var summary = await again.ReadJsonAsync();

        length.Should().BeLessThan(4 * 1024, "two 200 KiB outputs are not copied into the summary");
        foreach (var node in summary.GetProperty("nodes").EnumerateArray())
        {
            node.TryGetProperty("output", out _).Should().BeFalse();
            node.GetProperty("outputTruncated").GetBoolean().Should().BeTrue();
            node.GetProperty("outputBytes").GetInt32().Should().BeGreaterThan(200 * 1024);
        }
    }

    [Fact]
    public async Task Status_SmallOutput_StaysInline()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var id = await server.StartAsync("""{"flowId": "two", "inputData": {"x": 1}}""");
        await server.WaitForCompletionAsync(id);

        using var response = await server.Client.GetAsync($"/executions/{Format(id)}", Ct);
        var node = (await response.ReadJsonAsync()).GetProperty("nodes")[0];

        node.GetProperty("output").GetProperty("x").GetInt32().Should().Be(1);
        node.TryGetProperty("outputTruncated", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("Nope", "has no node 'Nope'")]
    [InlineData("Gate", "has no output (running)")]
    [InlineData("Done", "has no output (pending)")]
    public async Task Output_UnknownOrUnfinishedNode_Answers404(string node, string detail)
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        await server.WaitForNodeStartAsync(id, "Gate");

        using var response = await server.Client.GetAsync($"/executions/{Format(id)}/nodes/{node}/output", Ct);

        (await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound)).Detail().Should().Contain(detail);
        gates.Release("Gate");
    }

    [Fact]
    public async Task Output_NodeNameWithSpaces_IsFound()
    {
        await using var server = await TestServer.StartAsync(configureStream: o => o.AllowInlineWorkflows = true);
        var id = await server.StartAsync("""{"workflow": {"id": "s", "nodes": [{"name": "My Node/1", "type": "manualTrigger"}]}, "inputData": {"a": 1}}""");
        await server.WaitForCompletionAsync(id);

        using var response = await server.Client.GetAsync($"/executions/{Format(id)}/nodes/{Uri.EscapeDataString("My Node/1")}/output", Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.ReadJsonAsync()).GetProperty("a").GetInt32().Should().Be(1);
    }
}
