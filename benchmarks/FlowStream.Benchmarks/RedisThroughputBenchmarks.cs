using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using FlowStream.Benchmarks.Infrastructure;
using StackExchange.Redis;

namespace FlowStream.Benchmarks;

/// <summary>
/// Issue 12, benchmarks 1 and 3: 10,000 typical <c>nodeExecutionAfter</c> events (about 400 bytes of JSON each) of one execution
/// written to a real <c>redis-server</c> on loopback, and the memory Redis then holds per event. One operation is one event: the
/// time per operation gives events/s, <c>Redis B/event</c> the stream's size in Redis over its event count.
/// </summary>
/// <remarks>
/// <para>Each iteration is one invocation (<c>[IterationSetup]</c>) on a fresh execution id, so a stream of exactly 10,000 events
/// is written from empty; after it (not timed) the stream's length is checked, its <c>MEMORY USAGE … SAMPLES 0</c> taken, and its
/// keys deleted. The server is this benchmark's own (persistence off), started in the global setup.</para>
/// <para><c>RawXadd</c> (baseline): the floor for these bytes through the same client library: 10,000 <c>XADD key {seq}-0 d
/// json</c> issued at once on one StackExchange.Redis connection (pipelined, entry ids formatted beforehand), then all awaited.</para>
/// <para><c>Backplane</c>: what the engine's publications cost with the backplane registered: <c>Append</c> on the host's
/// <c>IExecutionEventWriter</c> (the backplane: the local log, then queued for Redis) for every event, then
/// <c>FlushAsync</c> until Redis has acknowledged the last one. The flusher sends one fenced Lua script call per execution per
/// batch (its XADDs, trimming, lease and TTLs, an "appended" notification). No execution runs in the engine here, so the
/// per-batch summary (header JSON, changed nodes) that a running execution also writes is not part of this figure.</para>
/// </remarks>
[RequiresRedisServer]
[MemoryDiagnoser]
[Config(typeof(Config))]
public class RedisThroughputBenchmarks
{
    private const int EventCount = 10_000;
    private const string RedisBytesValue = "RedisBytesPerEvent";

    private static readonly Lazy<double> s_jsonBytesPerEvent = new(() => Events().Average(e => e.Length));

    private readonly List<double> _redisBytesPerEvent = [];
    private RedisServer _server = null!;
    private RedisBackplaneHost _host = null!;
    private ConnectionMultiplexer _raw = null!;
    private IDatabase _database = null!;
    private byte[][] _events = [];
    private RedisValue[] _entryIds = [];
    private long _executionId = 1_000;
    private RedisKey _key;
    private string? _target;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _events = Events();
        _entryIds = [.. Enumerable.Range(1, EventCount).Select(i => (RedisValue)(i.ToString(CultureInfo.InvariantCulture) + "-0"))];
        _server = await RedisServer.StartAsync();
        _host = await RedisBackplaneHost.StartAsync(_server, "bench:");
        _raw = await ConnectionMultiplexer.ConnectAsync(_server.Configuration);
        _database = _raw.GetDatabase();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_target is not null && _redisBytesPerEvent.Count > 0)
        {
            var sorted = _redisBytesPerEvent.Order().ToArray();
            ReportedValues.Write(nameof(RedisThroughputBenchmarks), _target, RedisBytesValue, sorted[sorted.Length / 2]);
        }

        await _raw.CloseAsync();
        _raw.Dispose();
        await _host.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>A fresh execution id (and so a fresh stream key) for every invocation.</summary>
    [IterationSetup]
    public void SetupIteration()
    {
        _executionId++;
        _key = _host.Backplane.Keys.Events(_executionId);
    }

    [IterationCleanup(Target = nameof(RawXadd))]
    public void CleanupRawIteration()
    {
        Measure();
        _database.KeyDelete(_key);
    }

    [IterationCleanup(Target = nameof(Backplane))]
    public void CleanupBackplaneIteration()
    {
        Measure();

        // Forgets the execution here and in Redis (its stream, owner, lease) as the host does when it evicts one.
        _host.Writer.Remove(_executionId);
        _host.Backplane.WhenRemovedAsync(_executionId).GetAwaiter().GetResult();
        if (_database.KeyExists(_key))
        {
            throw new InvalidOperationException($"{_key} is still in Redis after Remove.");
        }
    }

    /// <summary>10,000 <c>XADD</c>s of the same bytes, all issued, then all awaited.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    public async Task<int> RawXadd()
    {
        _target = nameof(RawXadd);
        var database = _database;
        var key = _key;
        var events = _events;
        var entryIds = _entryIds;
        var adds = new Task<RedisValue>[events.Length];
        for (var i = 0; i < events.Length; i++)
        {
            adds[i] = database.StreamAddAsync(key, "d", events[i], messageId: entryIds[i]);
        }

        await Task.WhenAll(adds);
        return adds.Length;
    }

    /// <summary>10,000 <c>Append</c>s through the backplane, then <c>FlushAsync</c> until Redis has them all.</summary>
    [Benchmark(OperationsPerInvoke = EventCount)]
    public async Task<int> Backplane()
    {
        _target = nameof(Backplane);
        var writer = _host.Writer;
        var executionId = _executionId;
        var events = _events;
        for (var i = 0; i < events.Length; i++)
        {
            writer.Append(executionId, i + 1, ExecutionEventTypes.NodeExecutionAfter, events[i]);
        }

        await _host.Backplane.FlushAsync(executionId, CancellationToken.None);
        return events.Length;
    }

    private static byte[][] Events() => [.. Enumerable.Range(1, EventCount).Select(i => SampleEvents.TypicalNodeExecutionAfterJson(SampleEvents.ExecutionId, i))];

    /// <summary>Checks that the stream holds every event, and records what Redis holds per event.</summary>
    private void Measure()
    {
        var length = _database.StreamLength(_key);
        if (length != EventCount)
        {
            throw new InvalidOperationException($"{_key} holds {length} events, not {EventCount}.");
        }

        var bytes = (long)_database.Execute("MEMORY", "USAGE", _key, "SAMPLES", "0");
        _redisBytesPerEvent.Add((double)bytes / EventCount);
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // This machine's load moves single iterations by 2-3x: the median is the figure to compare.
            AddColumn(StatisticColumn.Median);
            AddColumn(new FixedValueColumn("JSON B/event", "Average length of the events' JSON (the same events for both)", _ => s_jsonBytesPerEvent.Value.ToString("N1", CultureInfo.InvariantCulture)));
            AddColumn(new ReportedValues.Column(RedisBytesValue, "Redis B/event", "MEMORY USAGE of the 10,000-event stream (SAMPLES 0) over 10,000 (median of the iterations)", 1, "N1"));
        }
    }
}
