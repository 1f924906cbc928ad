using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FlowStream.Benchmarks.Infrastructure;

/// <summary>
/// A throwaway <c>redis-server</c> (Debian's package) on a free loopback port, persistence off, in its own temporary folder; it
/// stops with the benchmark. A copy of the Redis tests' helper without xUnit: here a missing binary skips the benchmark classes
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
        var port = FreePort();
        var arguments = $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no --dir {directory} --daemonize no --loglevel warning";
        var process = Process.Start(new ProcessStartInfo(binary, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(port, directory, process);
        try
        {
            await server.WaitUntilReadyAsync();
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

    /// <summary>Ready when it answers PING (each attempt a real connection, retried until the server listens).</summary>
    private async Task WaitUntilReadyAsync()
    {
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

/// <summary>
/// Marks a benchmark class that starts its own <c>redis-server</c>. Without the binary, Program.cs leaves such classes out of the
/// run and says why, so the rest of the benchmarks (and CI's dry run) still run.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
internal sealed class RequiresRedisServerAttribute : Attribute;
