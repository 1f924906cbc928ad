using FlowStream.Testing;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Tests;

/// <summary>The README's example is this file's code: the test checks the README still shows it, then runs it.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void Readme_ShowsExactlyTheExampleThatThisTestRuns()
    {
        var source = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "tests", "FlowStream.Core.Tests", "ReadmeExampleTests.cs"));
        var start = Array.FindIndex(source, l => l.Trim() == "// README example: start") + 1;
        var end = Array.FindIndex(source, l => l.Trim() == "// README example: end");
        var indent = source[start].Length - source[start].TrimStart().Length;
        var example = string.Join("\n", source[start..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));

        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md")).ReplaceLineEndings("\n");
        readme.Should().Contain("```csharp\n" + example + "\n```", "README.md must show the example exactly as ReadmeExample_Runs compiles and runs it");
    }

    [Fact]
    public async Task ReadmeExample_Runs_AndPrintsEveryEventInOrder()
    {
        Console.Out = new StringWriter();

#pragma warning disable xUnit1051 // the README shows the call as an application writes it
        // README example: start
        var services = new ServiceCollection();
        services.AddFlowStream()
            .AddNode("shout", (context, cancellationToken) =>
            {
                var text = context.Parameters.GetProperty("text").GetString()!;
                var output = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["shout"] = text.ToUpperInvariant() });
                return ValueTask.FromResult(NodeResult.Success(output));
            });
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IWorkflowEngine>();

        var workflow = new WorkflowBuilder("hello", "Hello")
            .AddNode("Start", "manualTrigger")
            .AddNode("Greet", "set", """{"values": {"greeting": "Hello, {{ $json.name }}!"}}""")
            .AddNode("Shout", "shout", """{"text": "{{ $json.greeting }}"}""")
            .Chain("Start", "Greet", "Shout")
            .Build();

        var input = JsonDocument.Parse("""{"name": "Ada"}""").RootElement;
        await foreach (var e in engine.RunWithEventsAsync(workflow, input))
        {
            Console.WriteLine($"{e.Sequence}: {e}");
        }
        // README example: end
#pragma warning restore xUnit1051

        var lines = Console.Out.ToString()!.TrimEnd().Split('\n');
        lines.Should().HaveCount(8);
        lines.Select(l => l[..l.IndexOf(':')]).Should().Equal("1", "2", "3", "4", "5", "6", "7", "8");
        lines[0].Should().Contain("\"type\":\"executionStarted\"");
        lines[6].Should().Contain("\"nodeName\":\"Shout\"").And.Contain("\"data\":{\"shout\":\"HELLO, ADA!\"}");
        lines[7].Should().Contain("\"type\":\"executionFinished\"").And.Contain("\"status\":\"success\"");
    }

    /// <summary>The example writes to Console; within this class, Console is this capture.</summary>
    private static class Console
    {
        private static readonly AsyncLocal<StringWriter> s_out = new();

        public static StringWriter Out
        {
            get => s_out.Value!;
            set => s_out.Value = value;
        }

        public static void WriteLine(string line) => Out.Write(line + "\n");
    }
}
