using System.Diagnostics;
using System.Text.Json;
using FlowStream.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Sample.Tests;

/// <summary>
/// The README's "Try it with curl" command lines, taken from README.md and run with curl against the sample host: only the
/// address (the test's port) and <c>{id}</c> are replaced. The flow's <c>wait</c> nodes are held by the test, so the
/// execution is still running when the attach, status and cancel lines run.
/// </summary>
public sealed class ReadmeCurlTests
{
    private const string ReadmeAddress = "http://localhost:5080";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ReadmeCurlLines_StartAndStream_AttachWithLastEventId_Status_Cancel()
    {
        var curl = FindCurl();
        var lines = ReadmeSnippets.Blocks("Try it with curl", "bash").SelectMany(b => b.Split('\n')).Where(l => l.StartsWith("curl ", StringComparison.Ordinal)).ToList();
        lines.Should().HaveCount(4, "start-and-stream, attach, status and cancel");
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SampleServer.StartAsync(builder => builder.Services.AddFlowStream().AddNode("wait", async (context, cancellationToken) =>
        {
            await gate.Task.WaitAsync(cancellationToken);
            return NodeResult.Success(context.Input);
        }));
        var address = server.BaseUrl.TrimEnd('/');
        var headersFile = Path.Combine(Path.GetTempPath(), $"flowstream-curl-{Guid.NewGuid():N}.txt");
        string? token = null;
        string Command(string line, long? id = null) => line.Replace(ReadmeAddress, address, StringComparison.Ordinal)
            .Replace("{id}", id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "{id}", StringComparison.Ordinal)
            .Replace("{token}", token ?? "{token}", StringComparison.Ordinal)
            .Replace("-D headers.txt", "-D " + headersFile, StringComparison.Ordinal)
            .Replace("curl ", curl + " ", StringComparison.Ordinal);

        // 1. Start and stream: events arrive while the run goes on (it waits at "Fetch order", event 4).
        using var start = Run(Command(lines[0]));
        var started = await ReadEventsUntilAsync(start, id => id >= 4);
        started.Select(e => e.Id).Should().Equal(1, 2, 3, 4);
        started[0].Json.GetProperty("type").GetString().Should().Be("executionStarted");
        var executionId = started[0].Json.GetProperty("data").GetProperty("executionId").GetInt64();
        token = File.ReadAllLines(headersFile).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("FlowStream-Token", StringComparison.OrdinalIgnoreCase)).Select(p => p[1].Trim()).Single();
        File.Delete(headersFile);

        // 2. Attach with Last-Event-ID: 3 — only what came after event 3.
        lines[1].Should().Contain("Last-Event-ID: 3");
        using var attach = Run(Command(lines[1], executionId));
        var attached = await ReadEventsUntilAsync(attach, id => id >= 4);
        attached.Select(e => e.Id).Should().Equal(4);

        // 3. Status.
        var (statusOutput, statusExit) = await RunToEndAsync(Command(lines[2], executionId));
        statusExit.Should().Be(0, statusOutput);
        using (var status = JsonDocument.Parse(statusOutput))
        {
            status.RootElement.GetProperty("status").GetString().Should().Be("running", statusOutput);
        }

        // 4. Cancel: curl -X POST with no body. (The status code is printed by the added -w option.) Control POSTs from
        // non-browser clients need no body or Content-Type (the bounds-and-access issue); before that change this answers 415.
        var (cancelOutput, cancelExit) = await RunToEndAsync(Command(lines[3], executionId) + " -sS -w '\\nHTTP %{http_code}'");
        cancelExit.Should().Be(0, cancelOutput);
        cancelOutput.TrimEnd().Split('\n')[^1].Should().Be("HTTP 202", $"a control POST needs no body; curl printed: {cancelOutput}");

        // Both streams end with executionFinished: canceled.
        foreach (var stream in new[] { start, attach })
        {
            var rest = await ReadEventsUntilAsync(stream, _ => false);
            rest[^1].Json.GetProperty("type").GetString().Should().Be("executionFinished");
            rest[^1].Json.GetProperty("data").GetProperty("status").GetString().Should().Be("canceled");
            await stream.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
            stream.ExitCode.Should().Be(0);
        }
    }

    private static string FindCurl()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "curl");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("curl not found: under CI the README's curl lines must be run (apt-get install -y curl).");
        }

        Assert.Skip("curl not found: install Debian's curl (apt-get install -y curl) to run the README's curl lines.");
        return null!;
    }

    private static Process Run(string command)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        return Process.Start(info)!;
    }

    /// <summary>Runs a command to its end; returns its standard output (curl's progress meter goes to standard error) and exit code.</summary>
    private static async Task<(string Output, int ExitCode)> RunToEndAsync(string command)
    {
        using var process = Run(command);
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        var (stdout, stderr) = (await output, await error);
        if (process.ExitCode != 0)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{command}: exit {process.ExitCode}: {stderr}");
        }

        return (stdout, process.ExitCode);
    }

    /// <summary>Reads SSE messages from curl's output until <paramref name="stop"/> says so for an id, or the output ends.</summary>
    private static async Task<List<(long Id, JsonElement Json)>> ReadEventsUntilAsync(Process process, Func<long, bool> stop)
    {
        var events = new List<(long, JsonElement)>();
        long id = 0;
        while (await process.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                events.Add((id, JsonDocument.Parse(line[6..]).RootElement.Clone()));
                if (stop(id))
                {
                    break;
                }
            }
        }

        return events;
    }
}

/// <summary>The README's "Over HTTP" program, compiled from README.md as the Program.cs of a `dotnet new web` app.</summary>
public sealed class ReadmeWebSnippetTests
{
    [Fact]
    public void OverHttpSnippet_CompilesAsPasted()
    {
        var code = ReadmeSnippets.Blocks("Over HTTP", "csharp").Should().ContainSingle().Subject;

        var program = ReadmeSnippets.Compile(code, ReadmeSnippets.WebUsings, "ReadmeWeb");

        program.EntryPoint.Should().NotBeNull();
    }
}
