using System.Diagnostics;
using FlowStream.Testing;

namespace FlowStream.Benchmarks.Infrastructure;

/// <summary>
/// A throwaway <c>redis-server</c> (Debian's package) on a free loopback port, persistence off, in its own temporary folder; it
/// stops with the benchmark. The process handling is tests/Shared/RedisProcess.cs, as in the Redis tests; here a missing binary skips the benchmark classes
/// marked <see cref="RequiresRedisServerAttribute"/> (Program.cs) instead of failing them.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    /// <summary>Overrides where the binary is looked for (an empty or missing path: as if it were not installed).</summary>
    public const string BinaryVariable = "FLOWSTREAM_REDIS_SERVER";

    private readonly string _directory;
    private readonly Process _process;
    private readonly EventHandler _onExit;

    private RedisServer(int port, string directory, Process process)
    {
        Port = port;
        _directory = directory;
        _process = process;

        // A benchmark whose global setup throws gets no global cleanup: its server still goes when its process exits.
        _onExit = (_, _) =>
        {
            Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(2));
            DeleteDirectory();
        };
        AppDomain.CurrentDomain.ProcessExit += _onExit;
    }

    public int Port { get; }

    /// <summary>Gets the StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000";

    /// <summary>Gets the path of <c>redis-server</c>, or <see langword="null"/> when it is not installed.</summary>
    public static string? Binary => Environment.GetEnvironmentVariable(BinaryVariable) is { } overridden
        ? (File.Exists(overridden) ? overridden : null)
        : new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    public static async Task<RedisServer> StartAsync()
    {
        var binary = Binary ?? throw new InvalidOperationException("redis-server not found: install it (apt-get install -y redis-server).");
        var directory = Directory.CreateTempSubdirectory("flowstream-bench-redis-").FullName;
        var port = RedisProcess.FreePort();
        var process = RedisProcess.Start(binary, port, directory);
        var server = new RedisServer(port, directory, process);
        try
        {
            await RedisProcess.WaitUntilReadyAsync(process, port);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        Kill();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await _process.WaitForExitAsync(timeout.Token);
        }

        _process.Dispose();
        DeleteDirectory();
    }

    private void DeleteDirectory()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It has exited meanwhile.
        }
    }
}

/// <summary>
/// Marks a benchmark class that starts its own <c>redis-server</c>. Without the binary, Program.cs leaves such classes out of the
/// run and says why, so the rest of the benchmarks (and CI's dry run) still run.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class RequiresRedisServerAttribute : Attribute;
