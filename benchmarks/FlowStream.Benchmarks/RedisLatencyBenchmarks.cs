using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FlowStream.Benchmarks.Infrastructure;
using StackExchange.Redis;

namespace FlowStream.Benchmarks;

/// <summary>
/// Issue 12, benchmark 2: the latency an event takes from one host's <c>Append</c> to a reader on another host, through a real
/// <c>redis-server</c> on loopback. One invocation sends 1,000 events one at a time, each only once the previous one has arrived,
/// and times each on its own; the <c>P50</c>/<c>P99</c> columns are percentiles of those single-event latencies.
/// </summary>
/// <remarks>
/// <para>Hosts A and B are two containers (<c>AddFlowStream().AddRedis(...)</c>, each its own connection) sharing one server and key
/// prefix, as in the Redis event store contract tests. Each iteration (one invocation, <c>[IterationSetup]</c>) uses a fresh
/// execution: A appends its first event and flushes it, B opens a reader after it (<c>IExecutionEventReader.TryOpen</c>, which goes
/// to Redis, since B does not run it). Then, per event: B's <c>ReadAsync</c> is started (with a cancellation token, as a streaming endpoint's
/// reads have; it parks), the clock starts, A calls
/// <c>Append</c>; the clock stops when B's <c>ReadAsync</c> returns that event. The path: A's flusher sends its script call
/// (XADD + PUBLISH), Redis notifies B, B reads the new entry with <c>XRANGE</c> and wakes its reader.</para>
/// <para><c>RawXaddXread</c> (baseline): the floor of following a stream with Redis alone: A's connection sends
/// <c>XADD key {seq}-0 d json</c>; B's own connection has already sent <c>XREAD BLOCK 4000 STREAMS key {seq-1}-0</c>, which returns
/// the entry.</para>
/// <para>Percentiles: every event timed after the global setup's warm-up (200 events each way, not recorded), in every iteration
/// BenchmarkDotNet runs (its warm-up iterations included), pooled; computed in the benchmark process at its global cleanup and
/// shown in the summary. The <c>Mean</c> column (per event) is BenchmarkDotNet's usual figure over the measured iterations.</para>
/// </remarks>
[RequiresRedisServer]
[Config(typeof(Config))]
public class RedisLatencyBenchmarks
{
    private const int EventsPerInvoke = 1_000;
    private const int WarmupEvents = 200;
    private const string P50Value = "P50";
    private const string P99Value = "P99";
    private const string MaxValue = "Max";
    private const string CountValue = "Count";

    private readonly List<long> _samples = [];
    private RedisServer _server = null!;
    private RedisBackplaneHost _hostA = null!;
    private RedisBackplaneHost _hostB = null!;
    private ConnectionMultiplexer _rawA = null!;
    private ConnectionMultiplexer _rawB = null!;
    private byte[][] _events = [];
    private long _executionId = 1_000;
    private ExecutionEventSubscription? _subscription;
    private CancellationTokenSource? _stall;
    private RedisKey _key;
    private long _sequence;
    private string? _target;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _events = [.. Enumerable.Range(1, EventsPerInvoke + WarmupEvents + 1).Select(i => SampleEvents.TypicalNodeExecutionAfterJson(SampleEvents.ExecutionId, i))];
        _server = await RedisServer.StartAsync();
        _hostA = await RedisBackplaneHost.StartAsync(_server, "bench:");
        _hostB = await RedisBackplaneHost.StartAsync(_server, "bench:");
        _rawA = await ConnectionMultiplexer.ConnectAsync(_server.Configuration);
        _rawB = await ConnectionMultiplexer.ConnectAsync(_server.Configuration);

        // Warm both paths up (JIT, connections, the script cache); not recorded.
        await OpenBackplaneAsync();
        await SendAsync(WarmupEvents, BackplaneRoundTripAsync, record: false);
        await CloseBackplaneAsync();
        OpenRaw();
        await SendAsync(WarmupEvents, RawRoundTripAsync, record: false);
        CloseRaw();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_target is not null && _samples.Count > 0)
        {
            var sorted = _samples.Order().ToArray();
            var microseconds = (double)1_000_000 / Stopwatch.Frequency;
            double Percentile(double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)] * microseconds;
            ReportedValues.Write(nameof(RedisLatencyBenchmarks), _target, P50Value, Percentile(0.50));
            ReportedValues.Write(nameof(RedisLatencyBenchmarks), _target, P99Value, Percentile(0.99));
            ReportedValues.Write(nameof(RedisLatencyBenchmarks), _target, MaxValue, sorted[^1] * microseconds);
            ReportedValues.Write(nameof(RedisLatencyBenchmarks), _target, CountValue, sorted.Length);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"// {_target}: {sorted.Length} events, latency p50 {Percentile(0.50):N1} us, p90 {Percentile(0.90):N1} us, p99 {Percentile(0.99):N1} us, max {sorted[^1] * microseconds:N1} us"));
        }

        await _rawA.CloseAsync();
        await _rawB.CloseAsync();
        _rawA.Dispose();
        _rawB.Dispose();
        await _hostA.DisposeAsync();
        await _hostB.DisposeAsync();
        await _server.DisposeAsync();
    }

    [IterationSetup(Target = nameof(Backplane))]
    public void SetupBackplaneIteration() => OpenBackplaneAsync().GetAwaiter().GetResult();

    [IterationCleanup(Target = nameof(Backplane))]
    public void CleanupBackplaneIteration() => CloseBackplaneAsync().GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(RawXaddXread))]
    public void SetupRawIteration() => OpenRaw();

    [IterationCleanup(Target = nameof(RawXaddXread))]
    public void CleanupRawIteration() => CloseRaw();

    /// <summary>Per event: A's <c>XADD</c> → B's pending <c>XREAD BLOCK</c> returns it.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = EventsPerInvoke)]
    public Task RawXaddXread()
    {
        _target = nameof(RawXaddXread);
        return SendAsync(EventsPerInvoke, RawRoundTripAsync, record: true);
    }

    /// <summary>Per event: A's <c>Append</c> → B's <c>ReadAsync</c> returns it.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public Task Backplane()
    {
        _target = nameof(Backplane);
        return SendAsync(EventsPerInvoke, BackplaneRoundTripAsync, record: true);
    }

    private async Task SendAsync(int count, Func<Task<long>> roundTrip, bool record)
    {
        for (var i = 0; i < count; i++)
        {
            var elapsed = await roundTrip();
            if (record)
            {
                _samples.Add(elapsed);
            }
        }
    }

    private async Task<long> BackplaneRoundTripAsync()
    {
        var sequence = ++_sequence;
        var read = _subscription!.ReadAsync(_stall!.Token);
        var start = Stopwatch.GetTimestamp();
        _hostA.Writer.Append(_executionId, sequence, ExecutionEventTypes.NodeExecutionAfter, _events[sequence - 1]);
        var batch = await read;
        var elapsed = Stopwatch.GetTimestamp() - start;
        if (batch.Length != 1 || batch.Span[0].Sequence != sequence)
        {
            throw new InvalidOperationException($"Host B read {batch.Length} event(s) ending at {(batch.IsEmpty ? 0 : batch.Span[^1].Sequence)}, not event {sequence}.");
        }

        return elapsed;
    }

    private async Task<long> RawRoundTripAsync()
    {
        var sequence = ++_sequence;
        var previous = (sequence - 1).ToString(CultureInfo.InvariantCulture) + "-0";
        var read = _rawB.GetDatabase().ExecuteAsync("XREAD", "BLOCK", "4000", "STREAMS", _key, previous);
        var start = Stopwatch.GetTimestamp();
        var add = _rawA.GetDatabase().StreamAddAsync(_key, "d", _events[sequence - 1], messageId: sequence.ToString(CultureInfo.InvariantCulture) + "-0");
        var result = await read;
        var elapsed = Stopwatch.GetTimestamp() - start;
        await add;
        if (result.IsNull)
        {
            throw new InvalidOperationException($"XREAD did not return event {sequence} within 4 s (the client times out at 5).");
        }

        // RESP3: {key: [[id, [field, value]]]}; RESP2: [[key, [[id, [field, value]]]]].
        var streams = (RedisResult[])result!;
        var entries = (RedisResult[])(result.Resp3Type == ResultType.Map ? streams[1] : ((RedisResult[])streams[0]!)[1])!;
        if (entries.Length != 1 || (string?)((RedisResult[])entries[0]!)[0] != sequence.ToString(CultureInfo.InvariantCulture) + "-0")
        {
            throw new InvalidOperationException($"XREAD returned {entries.Length} entries, not event {sequence}.");
        }

        return elapsed;
    }

    /// <summary>A fresh execution: A appends and flushes its first event, B opens a reader after it.</summary>
    private async Task OpenBackplaneAsync()
    {
        // A lost event fails the benchmark instead of hanging it (a streaming endpoint's reads carry a token too).
        _stall = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _executionId++;
        _sequence = 1;
        _hostA.Writer.Append(_executionId, 1, ExecutionEventTypes.NodeExecutionAfter, _events[0]);
        await _hostA.Backplane.FlushAsync(_executionId, CancellationToken.None);
        if (!_hostB.Reader.TryOpen(_executionId, 1, out _subscription))
        {
            throw new InvalidOperationException($"Host B does not find execution {_executionId} in Redis.");
        }
    }

    private async Task CloseBackplaneAsync()
    {
        await _subscription!.DisposeAsync();
        _subscription = null;
        _stall!.Dispose();
        _hostA.Writer.Remove(_executionId);
        await _hostA.Backplane.WhenRemovedAsync(_executionId);
    }

    private void OpenRaw()
    {
        _executionId++;
        _sequence = 0;
        _key = _hostA.Backplane.Keys.Events(_executionId);
    }

    private void CloseRaw() => _rawA.GetDatabase().KeyDelete(_key);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(
                new ReportedValues.Column(P50Value, "P50 [us]", "Median latency of one event, all events timed (see the class remarks)", 1, "N1"),
                new ReportedValues.Column(P99Value, "P99 [us]", "99th percentile latency of one event, all events timed", 1, "N1"),
                new ReportedValues.Column(MaxValue, "Max [us]", "Slowest event", 1, "N1"),
                new ReportedValues.Column(CountValue, "Events timed", "How many events the percentiles are of", 1, "N0"));
        }
    }
}
