using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using FlowStream.Benchmarks.Infrastructure;
using FlowStream.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowStream.Benchmarks;

/// <summary>
/// Issue 6, benchmark 6: 5,000 idle streams attached at once to one running execution on one host (loopback only; bounded; every
/// connection is closed at the end of its iteration). The time measured is attaching them (one operation = one stream); the
/// <c>Managed/stream</c> column is the managed memory they hold once attached.
/// </summary>
/// <remarks>
/// <para>How memory per stream is measured: before an iteration (not timed) a full blocking, compacting collection and
/// <see cref="GC.GetTotalMemory(bool)"/>; the iteration attaches 5,000 streams, each of which has received its response headers
/// and the two events already published; after it (not timed) the same again, before any stream is closed. The difference divided
/// by 5,000 is the managed memory one idle attached stream holds; the column shows the median over the iterations.</para>
/// <para>Clients and server share the process, so the figure counts both ends: the clients are raw sockets (a <see cref="Socket"/>
/// each, nothing more), the server end is Kestrel's connection and request plus, for FlowStream, the streamer and its bus
/// subscription. The baseline, a plain Kestrel endpoint that sends the same headers and the same two pre-serialized events and then
/// waits for the client to leave, holds the same clients and the same Kestrel connections: FlowStream's own cost is the difference.</para>
/// </remarks>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class ScaleBenchmarks
{
    private const int StreamCount = 5_000;
    private const int Concurrency = 32;
    private const string MemoryValue = "BytesPerStream";

    private static readonly byte[] s_attachedMarker = "nodeExecutionBefore"u8.ToArray();

    private readonly Socket[] _sockets = new Socket[StreamCount];
    private readonly List<double> _bytesPerStream = [];
    private BenchmarkServer _server = null!;
    private FlowStream.Testing.ActiveReaders _readers = null!;
    private IPEndPoint _endpoint = null!;
    private WorkflowExecution _execution = null!;
    private byte[] _flowStreamRequest = [];
    private byte[] _plainRequest = [];
    private byte[][] _frames = [];
    private int _plainOpen;
    private long _before;
    private string? _target;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var workflow = new WorkflowBuilder("hold").AddNode("Hold", "hold").Build();
        _server = await BenchmarkServer.StartAsync(
            _ => { },
            flowStream => flowStream.AddNode("hold", async (_, cancellationToken) =>
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return NodeResult.Success();
            }),
            app => app.MapGet("/idle", IdleAsync));
        _readers = new FlowStream.Testing.ActiveReaders(_server.App.Services);
        _endpoint = new IPEndPoint(IPAddress.Loopback, _server.BaseAddress.Port);

        // One running execution whose node never finishes: every stream attached to it is idle after the first two events.
        _execution = _server.Engine.Start(workflow);
        var first = new List<ExecutionEvent>();
        await foreach (var executionEvent in _server.Engine.SubscribeAsync(_execution.Id))
        {
            first.Add(executionEvent);
            if (first.Count == 2)
            {
                break;
            }
        }

        _frames = [.. first.Select(SseFramingBenchmarks.FrameWithSseEventWriter)];
        _flowStreamRequest = Request($"/executions/{_execution.Id}/stream", _server.TokenFor(_execution.Id));
        _plainRequest = Request("/idle", token: null);

        // Warm both paths up (JIT, pools) with a few streams.
        foreach (var request in new[] { _flowStreamRequest, _plainRequest })
        {
            await AttachAsync(request, 200);
            await DetachAllAsync(200);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_target is not null && _bytesPerStream.Count > 0)
        {
            var sorted = _bytesPerStream.Order().ToArray();
            ReportedValues.Write(nameof(ScaleBenchmarks), _target, MemoryValue, sorted[sorted.Length / 2]);
        }

        _execution.Cancel();
        await _execution.Completion;
        await _server.DisposeAsync();
    }

    [IterationSetup]
    public void SetupIteration() => _before = MeasureMemory();

    [IterationCleanup]
    public void CleanupIteration()
    {
        var after = MeasureMemory();
        _bytesPerStream.Add((double)(after - _before) / StreamCount);
        DetachAllAsync(StreamCount).GetAwaiter().GetResult();
    }

    /// <summary>A plain Kestrel endpoint: the same headers and the same two pre-serialized events, then it waits for the client to leave.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = StreamCount)]
    public Task PlainKestrel()
    {
        _target = nameof(PlainKestrel);
        return AttachAsync(_plainRequest, StreamCount);
    }

    /// <summary><c>GET /executions/{id}/stream</c> of a running execution: the streamer replays its two events and waits, subscribed.</summary>
    [Benchmark(OperationsPerInvoke = StreamCount)]
    public Task FlowStreamAttach()
    {
        _target = nameof(FlowStreamAttach);
        return AttachAsync(_flowStreamRequest, StreamCount);
    }

    private async Task AttachAsync(byte[] request, int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var next = -1;
        var workers = new Task[Concurrency];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                var buffer = new byte[4096];
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    _sockets[i] = await ConnectAsync(request, buffer, timeout.Token);
                }
            });
        }

        await Task.WhenAll(workers);
    }

    private async Task<Socket> ConnectAsync(byte[] request, byte[] buffer, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(_endpoint, cancellationToken);
        await socket.SendAsync(request, SocketFlags.None, cancellationToken);
        var received = 0;
        while (buffer.AsSpan(0, received).IndexOf(s_attachedMarker) < 0)
        {
            var read = received < buffer.Length ? await socket.ReceiveAsync(buffer.AsMemory(received), SocketFlags.None, cancellationToken) : 0;
            if (read == 0)
            {
                throw new InvalidOperationException($"The stream ended or overflowed before its first events: {Encoding.ASCII.GetString(buffer, 0, received)}");
            }

            received += read;
        }

        if (!buffer.AsSpan(0, received).StartsWith("HTTP/1.1 200"u8))
        {
            throw new InvalidOperationException($"Unexpected response: {Encoding.ASCII.GetString(buffer, 0, received)}");
        }

        return socket;
    }

    private async Task DetachAllAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            // A reset, not a close: no TIME_WAIT left behind on the loopback's ports.
            _sockets[i].LingerState = new LingerOption(true, 0);
            _sockets[i].Dispose();
            _sockets[i] = null!;
        }

        // Bounded wait until the server has let every stream go.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (_readers.Count > 0 || Volatile.Read(ref _plainOpen) > 0)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private async Task IdleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _plainOpen);
        try
        {
            var writer = await BenchmarkServer.StartEventStreamAsync(context);
            foreach (var frame in _frames)
            {
                BenchmarkServer.Write(writer, frame);
            }

            await writer.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _plainOpen);
        }
    }

    private byte[] Request(string path, string? token) => Encoding.ASCII.GetBytes(
        $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{_endpoint.Port}\r\nAccept: text/event-stream\r\n{(token is null ? "" : $"FlowStream-Token: {token}\r\n")}\r\n");

    private static long MeasureMemory()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // A few long iterations (each attaches 5,000 streams), not BenchmarkDotNet's default of at least 15.
            if (!HostArguments.JobGiven)
            {
                AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(7));
            }

            AddColumn(new ReportedValues.Column(MemoryValue, "Managed/stream", "Managed memory held per attached idle stream, clients' sockets included (median of the iterations)", 1, "N0"));
        }
    }
}
