using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FlowStream.Testing;

/// <summary>
/// Starting a throwaway <c>redis-server</c> on a free loopback port and waiting until it answers: shared (as a linked file) by the
/// Redis tests' server helper and the benchmarks' one, which differ only in how a missing binary is handled.
/// </summary>
internal static class RedisProcess
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts <paramref name="binary"/> on <paramref name="port"/> in <paramref name="directory"/>; without persistence unless <paramref name="persistent"/> (an append-only file synced on every write).</summary>
    public static Process Start(string binary, int port, string directory, bool persistent = false)
    {
        var arguments = $"--port {port} --bind 127.0.0.1 --save \"\" --dir {directory} --daemonize no --loglevel warning "
            + (persistent ? "--appendonly yes --appendfsync always" : "--appendonly no");
        var process = Process.Start(new ProcessStartInfo(binary, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Ready when it answers PING (each attempt a real connection, retried until the server listens).</summary>
    public static async Task WaitUntilReadyAsync(Process process, int port)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
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

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"redis-server did not start on port {port} (exited: {process.HasExited}).");
            }

            await Task.Delay(20);
        }
    }
}
