using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
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
        var server = new RedisServer(FreePort(), directory, persistent);
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
        var arguments = $"--port {Port} --bind 127.0.0.1 --save \"\" --dir {_directory} --daemonize no --loglevel warning "
            + (_persistent ? "--appendonly yes --appendfsync always" : "--appendonly no");
        _process = Process.Start(new ProcessStartInfo(Binary!, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // Ready when it answers PING (each attempt is a real connection, retried until the server listens).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(2));
                if (read > 0 && buffer[0] == (byte)'+')
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException or TimeoutException)
            {
            }

            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server did not start on port {Port} (exited: {_process.HasExited}).");
            }

            await Task.Delay(20);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
