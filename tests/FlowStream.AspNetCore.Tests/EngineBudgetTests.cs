using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

[CollectionDefinition(nameof(EngineBudgetTests), DisableParallelization = true)]
public sealed class EngineBudgetCollection;

/// <summary>
/// Issue 11, the engine's budgets seen over HTTP: unescaped events, event data limit (claim check), parameters after templates, running
/// executions per owner and per host, retained bytes. The options are bound from configuration by name, so these tests compile before
/// the engine has them and pass once it does. Not run in parallel: one of them measures the managed heap.
/// </summary>
[Collection(nameof(EngineBudgetTests))]
public class EngineBudgetTests
{
    [Fact]
    public async Task Events_NonAsciiAndHtmlCharacters_StayAsTheyAre()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        using var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "two", "inputData": {"text": "héllo <b>&'✓"}}"""));
        using var sse = await response.OpenSseAsync();
        await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        sse.Raw.Should().Contain("\"text\":\"héllo <b>&'✓\"", "UTF-8 stays UTF-8 and <>&' are not escaped");
        sse.Raw.Should().NotContain("\\u00E9").And.NotContain("\\u003C");
    }

    [Fact]
    public async Task LargeOutput_ArrivesTruncatedInTheEvent_AndWholeFromTheOutputEndpoint()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var body = NodeOutputTests.LargeInputBody(out var text);

        using var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", body));
        var id = long.Parse(response.Headers.GetValues("X-Execution-Id").Single(), System.Globalization.CultureInfo.InvariantCulture);
        using var sse = await response.OpenSseAsync();
        var events = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");
        using var output = await server.Client.GetAsync($"/executions/{Format(id)}/nodes/Start/output", Ct);
        var whole = await output.Content.ReadAsByteArrayAsync(Ct);

        var after = events.Single(e => e.Type == "nodeExecutionAfter" && e.Json.GetProperty("nodeName").GetString() == "Start").Json;
        after.TryGetProperty("data", out _).Should().BeFalse("a 200 KiB output is above the 64 KiB event data limit");
        after.GetProperty("dataTruncated").GetBoolean().Should().BeTrue();
        after.GetProperty("dataBytes").GetInt32().Should().Be(whole.Length);
        sse.Raw.Length.Should().BeLessThan(64 * 1024, "no event carries the output");
        output.StatusCode.Should().Be(HttpStatusCode.OK);
        (JsonDocument.Parse(whole).RootElement.GetProperty("text").GetString() == text).Should().BeTrue("the endpoint serves the whole output");
    }

    [Fact]
    public async Task DoublingTemplates_FailWithinSeconds_NamingTheParameterLimit()
    {
        await using var server = await TestServer.StartAsync(configureStream: o => o.AllowInlineWorkflows = true);
        var nodes = new List<string> { """{"name": "Start", "type": "manualTrigger"}""" };
        var connections = new List<string>();
        for (var i = 1; i <= 8; i++)
        {
            nodes.Add($$$$"""{"name": "Grow{{{{i}}}}", "type": "set", "parameters": {"values": {"a": "{{ $json }}", "b": "{{ $json }}"}}}""");
            connections.Add($$$"""{"from": "{{{(i == 1 ? "Start" : $"Grow{i - 1}")}}}", "to": "Grow{{{i}}}"}""");
        }

        var json = $$$"""{"workflow": {"id": "doubling", "nodes": [{{{string.Join(",", nodes)}}}], "connections": [{{{string.Join(",", connections)}}}]}, "inputData": {"pad": "{{{new string('x', 1024)}}}"}}""";
        var clock = Stopwatch.StartNew();
        var id = await server.StartAsync(json);

        var status = await server.WaitForCompletionAsync(id);

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        status.Should().Be(ExecutionStatus.Error);
        var failed = server.Execution(id).GetNodeStates().Single(n => n.Status == NodeExecutionStatus.Error);
        failed.ErrorMessage.Should().Contain("MaxParametersBytesPerNode", "the node error names the limit its resolved parameters exceeded");
    }

    [Fact]
    public async Task Start_OverThePerOwnerQuota_Answers429WithRetryAfter()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(
            b =>
            {
                Flows.Register(b, gates);
                BindOptions(b, ("MaxRunningExecutionsPerOwner", "2"));
            },
            authentication: true);

        await server.StartAsync("""{"flowId": "gated"}""", user: "alice");
        await server.StartAsync("""{"flowId": "gated"}""", user: "alice");
        using var third = await server.Client.SendAsync(Http.Post("/executions", """{"flowId": "gated"}""", "alice"), Ct);
        using var anonymousFirst = await server.Client.SendAsync(Http.Post("/executions", """{"flowId": "gated"}"""), Ct);

        var problem = await third.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, ExecutionStreamProblemTypes.QuotaExceeded);
        problem.GetProperty("scope").GetString().Should().Be("owner");
        problem.GetProperty("limit").GetInt32().Should().Be(2);
        int.Parse(third.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).Should().BePositive();
        anonymousFirst.StatusCode.Should().Be(HttpStatusCode.Accepted, "another partition has its own quota");
        gates.Release("Gate");
    }

    [Fact]
    public async Task Start_OverTheHostQuota_Answers429WithRetryAfter()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(
            b =>
            {
                Flows.Register(b, gates);
                BindOptions(b, ("MaxRunningExecutions", "2"));
            },
            authentication: true);

        await server.StartAsync("""{"flowId": "gated"}""", user: "alice");
        await server.StartAsync("""{"flowId": "gated"}""", user: "bob");
        using var third = await server.Client.SendAsync(Http.Post("/executions", """{"flowId": "gated"}""", "carol"), Ct);

        var problem = await third.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, ExecutionStreamProblemTypes.QuotaExceeded);
        problem.GetProperty("scope").GetString().Should().Be("host");
        third.Headers.Contains("Retry-After").Should().BeTrue();
        gates.Release("Gate");
    }

    [Fact]
    public async Task FortyMegabyteInputsOfNonAsciiText_KeepTheManagedHeapUnderTheRetainedBudget()
    {
        const long Budget = 32L * 1024 * 1024;
        await using var server = await TestServer.StartAsync(b =>
        {
            Flows.Register(b);
            BindOptions(b, ("MaxRetainedBytes", Budget.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        });
        // 500,000 'é' are 1,000,000 bytes of UTF-8 (and were 3 MB of \u00e9 escapes in every event that carried them).
        var body = Encoding.UTF8.GetBytes($$$"""{"flowId": "two", "inputData": {"text": "{{{new string('é', 500_000)}}}"}}""");

        // Warm up with a few such requests first, so the baseline includes the host's own buffer pools (Kestrel's blocks,
        // ArrayPool's megabyte arrays), which fill on the first large bodies and are reused after: what is measured is what
        // the engine keeps beyond them. One request at a time: 40 bodies read at once would be Kestrel's memory, not ours.
        var ids = new List<long>();
        long baseline = 0;
        for (var i = 0; i < 48; i++)
        {
            if (i == 8)
            {
                foreach (var id in ids)
                {
                    if (server.Engine.TryGetExecution(id, out var warm))
                    {
                        await warm.Completion.WithTimeout("the execution to finish");
                    }
                }

                ids.Clear();
                baseline = GC.GetTotalMemory(forceFullCollection: true);
            }

            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await server.Client.PostAsync("/executions", content, Ct);
            response.StatusCode.Should().Be(HttpStatusCode.Accepted);
            ids.Add((await response.ReadJsonAsync()).GetProperty("executionId").GetInt64());
        }

        foreach (var id in ids)
        {
            if (server.Engine.TryGetExecution(id, out var execution))
            {
                await execution.Completion.WithTimeout("the execution to finish");
            }
        }

        body = [];
        var retained = GC.GetTotalMemory(forceFullCollection: true) - baseline;

        retained.Should().BeLessThan(Budget + (8L * 1024 * 1024), "FlowStreamOptions.MaxRetainedBytes bounds what finished executions keep (8 MiB of slack for the host itself)");
        server.Engine.ListExecutions().Count.Should().BeInRange(1, 32, "48 executions holding 1 MB of input each do not fit in 32 MiB: the oldest were evicted");
    }

    /// <summary>Binds <see cref="FlowStreamOptions"/> properties by name, so the test compiles whether or not the engine has them yet.</summary>
    private static void BindOptions(FlowStreamBuilder builder, params (string Key, string Value)[] values)
        => builder.Services.Configure<FlowStreamOptions>(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());
}
