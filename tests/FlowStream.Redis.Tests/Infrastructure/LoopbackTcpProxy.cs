using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FlowStream.Redis.Tests.Infrastructure;

/// <summary>
/// A TCP forwarder on a free loopback port in front of another port: <see cref="Cut"/> drops every connection and refuses new
/// ones (a network partition between one host and Redis), <see cref="Restore"/> lets connections through again.
/// <see cref="Hold"/> keeps what the host sends from reaching Redis (a slow link), <see cref="Release"/> lets it through, in order.
/// </summary>
public sealed class LoopbackTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly ConcurrentDictionary<Socket, byte> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile bool _cut;
    private volatile TaskCompletionSource _flowing = Completed();
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LoopbackTcpProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public void Cut()
    {
        _cut = true;
        foreach (var socket in _open.Keys)
        {
            Close(socket);
        }
    }

    public void Restore() => _cut = false;

    /// <summary>From now on, what the host sends waits here until <see cref="Release"/>.</summary>
    public void Hold() => _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Sends on what was held, and everything after it.</summary>
    public void Release() => _flowing.TrySetResult();

    /// <summary>Completes once some bytes from the host are being held.</summary>
    public Task WhenHeldAsync() => _held.Task;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        Release();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            if (_cut)
            {
                Close(client);
                continue;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _target);
        }
        catch (SocketException)
        {
            Close(client);
            Close(server);
            return;
        }

        _open[client] = 0;
        _open[server] = 0;
        await Task.WhenAny(PumpAsync(client, server, fromHost: true), PumpAsync(server, client, fromHost: false));
        Close(client);
        Close(server);
    }

    private async Task PumpAsync(Socket from, Socket to, bool fromHost)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    return;
                }

                if (fromHost && _flowing is { Task.IsCompleted: false } flowing)
                {
                    _held.TrySetResult();
                    await flowing.Task;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }

    private void Close(Socket socket)
    {
        _open.TryRemove(socket, out _);
        try
        {
            socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
