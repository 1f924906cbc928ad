using FlowStream.Testing;
using System.Text.Json;
using FlowStream.Client.Tests.Infrastructure;

namespace FlowStream.Client.Tests;

/// <summary>The package README's example is this file's code: the test checks the README still shows it, then runs it against the fake server.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public void Readme_ShowsExactlyTheExampleThatThisTestRuns()
    {
        var root = RepositoryPaths.Root;
        var source = File.ReadAllLines(Path.Combine(root, "tests", "FlowStream.Client.Tests", "ReadmeExampleTests.cs"));
        var start = Array.FindIndex(source, l => l.Trim() == "// README example: start") + 1;
        var end = Array.FindIndex(source, l => l.Trim() == "// README example: end");
        var indent = source[start].Length - source[start].TrimStart().Length;
        var example = string.Join("\n", source[start..end].Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));

        var readme = File.ReadAllText(Path.Combine(root, "src", "FlowStream.Client", "README.md")).ReplaceLineEndings("\n");

        readme.Should().Contain("```csharp\n" + example + "\n```", "the package README must show the example exactly as ReadmeExample_Runs compiles and runs it");
    }

    [Fact]
    public async Task ReadmeExample_Runs_AndPrintsEachNodeAndTheEnd()
    {
        Console.Out = new StringWriter();
        var wire = Wire.Execution(42, 2);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("POST /executions/stream", Respond.Stream(wire, new StreamScript { Events = 3, Then = StreamEnd.Complete, ExecutionIdHeader = 42 }));
        server.On("GET /executions/42/stream", Respond.Stream(wire));
        var http = server.CreateHttpClient();
        var cancellationToken = TestContext.Current.CancellationToken;

        // README example: start
        // http: an HttpClient whose BaseAddress is the FlowStream server
        var client = new ExecutionStreamClient(http);

        var input = JsonDocument.Parse("""{"name": "Ada"}""").RootElement;
        await foreach (var e in client.StartAndStreamAsync("hello", input, cancellationToken))
        {
            if (e.TryGetNodeExecutionBefore(out var before))
            {
                Console.WriteLine($"{before.NodeName}: running");
            }
            else if (e.TryGetNodeExecutionAfter(out var after))
            {
                Console.WriteLine($"{after.NodeName}: {after.Status} ({after.Progress?.Percent}%) {after.Error?.Message}");
            }
            else if (e.TryGetExecutionFinished(out var finished))
            {
                Console.WriteLine($"{finished.Status} in {finished.ExecutionTimeMs} ms");
            }

            // Other types (and ones a newer server adds) are in e.Type and e.Data: read them, or ignore them.
        }
        // README example: end

        Console.Out.ToString().Should().Be("N1: running\nN1: success (50%) \nN2: running\nN2: success (100%) \nsuccess in 1000 ms\n");
        server.RequestsTo("GET /executions/42/stream").Should().ContainSingle("the example went on after the first response ended early")
            .Which.LastEventId.Should().Be("3");
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
