using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Tests;

/// <summary>
/// The README's examples as a reader pastes them: the C# block of "Example" is taken from README.md, compiled as the
/// <c>Program.cs</c> of a console app (its template's implicit usings, nothing more) and run; the workflow JSON of
/// "Workflows" is loaded, validated and run.
/// </summary>
public class ReadmeExampleTests
{
    [Fact]
    public async Task ReadmeExample_CompilesAsPasted_AndPrintsEveryEventInOrder()
    {
        var code = ReadmeSnippets.Blocks("Example", "csharp").Should().ContainSingle().Subject;
        var program = ReadmeSnippets.Compile(code, ReadmeSnippets.ConsoleUsings, "ReadmeExample");

        var printed = await ReadmeSnippets.RunAsync(program);

        var lines = printed.ReplaceLineEndings("\n").TrimEnd().Split('\n').Where(l => l.Contains(": {\"type\":", StringComparison.Ordinal)).ToArray();
        lines.Should().HaveCount(8);
        lines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).Should().Equal("1", "2", "3", "4", "5", "6", "7", "8");
        lines[0].Should().Contain("\"type\":\"executionStarted\"");
        lines[6].Should().Contain("\"nodeName\":\"Shout\"").And.Contain("\"data\":{\"shout\":\"HELLO, ADA!\"}");
        lines[7].Should().Contain("\"type\":\"executionFinished\"").And.Contain("\"status\":\"success\"");
    }

    [Fact]
    public void ReadmeExample_NamesThePackagesItNeeds()
    {
        var commands = string.Join("\n", ReadmeSnippets.Blocks("Example", "bash"));

        commands.Should().Contain("dotnet add package FlowStream.Core").And.Contain("dotnet add package Microsoft.Extensions.DependencyInjection");
    }

    [Fact]
    public async Task ReadmeWorkflowJson_UsesOnlyBuiltInNodeTypes_AndRuns()
    {
        var json = ReadmeSnippets.Blocks("Workflows", "json").Should().ContainSingle().Subject;
        var workflow = WorkflowDefinition.FromJson(System.Text.Encoding.UTF8.GetBytes(json));
        var services = new ServiceCollection();
        services.AddFlowStream();
        await using (var validating = services.BuildServiceProvider())
        {
            validating.GetRequiredService<IWorkflowEngine>().Validate(workflow).Should().BeEmpty("the README's workflow must only use node types that exist");
        }

        // The example fetches from a shop on the internet; here a stand-in http node answers for it.
        services.AddFlowStream().AddNode("http", (context, cancellationToken) =>
            ValueTask.FromResult(NodeResult.Success(JsonDocument.Parse("""{"statusCode": 200, "body": {"total": 150}}""").RootElement)));
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IWorkflowEngine>();
        var input = JsonDocument.Parse("""{"orderId": 7}""").RootElement;
        var events = await engine.RunWithEventsAsync(workflow, input, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var finished = events[^1].Data;
        finished.GetProperty("status").GetString().Should().Be("success");
        var afters = events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionAfter).ToDictionary(e => e.Data.GetProperty("nodeName").GetString()!, e => e.Data);
        afters["Big order?"].GetProperty("output").GetString().Should().Be("true");
        afters["Approval"].GetProperty("status").GetString().Should().Be("success");
        afters["Auto"].GetProperty("status").GetString().Should().Be("skipped");
        afters["Auto"].GetProperty("reason").GetString().Should().Be("branchNotTaken");
        afters["Report"].GetProperty("reason").GetString().Should().Be("branchNotTaken");
        afters["Join"].GetProperty("data").GetProperty("status").GetString().Should().Be("needs approval");
        afters["Off"].GetProperty("reason").GetString().Should().Be("disabled");
        afters.Values.Last().GetProperty("progress").GetProperty("percent").GetInt32().Should().Be(100);
    }
}
