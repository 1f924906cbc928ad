using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace FlowStream.Sample.Tests.ScaleOut;

/// <summary>
/// The sample host as its own process (<c>dotnet FlowStream.Sample.dll</c>, from this test's output folder, where the project
/// reference puts it), on 127.0.0.1 at a port the OS picks: a host that can be killed (SIGKILL) as a crash would, with no
/// shutdown hook, no flush and no lease handed back.
/// </summary>
internal sealed partial class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private SampleProcess(Process process, StringBuilder output, string baseUrl)
    {
        _process = process;
        _output = output;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>Gets what the process printed so far (its console log), for a failing test's output.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<SampleProcess> StartAsync(params string[] args)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FlowStream.Sample.dll"));
        foreach (var argument in (string[])["--urls", "http://127.0.0.1:0", .. args])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";
        var output = new StringBuilder();
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (OpenLine().Match(e.Data) is { Success: true } match)
            {
                address.TrySetResult(match.Groups[1].Value.TrimEnd('/'));
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Exited += (_, _) => address.TrySetException(new InvalidOperationException($"The sample process exited ({process.ExitCode}) before it listened:\n{output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var sample = new SampleProcess(process, output, "");
        try
        {
            return new SampleProcess(process, output, await address.Task.WithTimeout("the sample process to listen"));
        }
        catch
        {
            await sample.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the process (SIGKILL) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WithTimeout("the sample process to die");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>The dotnet host that runs this test (DOTNET_HOST_PATH, else the one above the running runtime, else PATH's).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        // The runtime runs from <root>/shared/Microsoft.NETCore.App/<version>/.
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        var host = Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
        return File.Exists(host) ? host : "dotnet";
    }

    /// <summary>The line Program.cs prints once it listens: "FlowStream sample: open http://127.0.0.1:PORT in a browser".</summary>
    [GeneratedRegex(@"open (http://\S+) in a browser")]
    private static partial Regex OpenLine();
}
