using System.Diagnostics;
using StackExchange.Redis;

namespace FlowStream.Redis.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> (Debian's package) on a free loopback port, persistence off, in its own temporary folder. Without
/// the binary a test skips with that advice, unless <c>CI</c> is set: then it fails.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly bool _persistent;
    private Process? _process;

    private RedisServer(int port, string directory, bool persistent)
    {
        Port = port;
        _directory = directory;
        _persistent = persistent;
    }

    public int Port { get; }

    /// <summary>Gets the StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=5000,syncTimeout=5000,asyncTimeout=5000";

    public static string? Binary => new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);

    /// <summary>Skips the test when there is no redis-server here (outside CI), with the advice to install it.</summary>
    public static void RequireBinary()
    {
        if (Binary is null)
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            {
                throw new InvalidOperationException("redis-server is missing; .ci/run installs Debian's redis-server package. Under CI the Redis tests must run.");
            }

            Assert.Skip("redis-server not found: install it (apt-get install -y redis-server) to run the Redis backplane tests.");
        }
    }

    /// <summary>Starts a server. <paramref name="persistent"/>: an append-only file synced on every write, so a killed server restarts with its data.</summary>
    public static async Task<RedisServer> StartAsync(bool persistent = false)
    {
        RequireBinary();
        var directory = Directory.CreateTempSubdirectory("flowstream-redis-").FullName;
        var server = new RedisServer(RedisProcess.FreePort(), directory, persistent);
        await server.RunAsync();
        return server;
    }

    /// <summary>Kills the process (SIGKILL: no shutdown, no save), as a crash would.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WithTimeout("redis-server to die");
        }
    }

    /// <summary>Starts the server again on the same port and folder.</summary>
    public Task RestartAsync() => RunAsync();

    public async Task<IConnectionMultiplexer> ConnectAsync() => await ConnectionMultiplexer.ConnectAsync(Configuration);

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task RunAsync()
    {
        _process = RedisProcess.Start(Binary!, Port, _directory, _persistent);
        await RedisProcess.WaitUntilReadyAsync(_process, Port);
    }
}
