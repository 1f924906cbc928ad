using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlowStream.Redis.Internal;

/// <summary>
/// The Redis backplane of one host: the event store (local log first, then Redis), the directory every host answers from,
/// control between hosts, leases, and execution ids unique across hosts. Its parts are the partial files beside this one.
/// </summary>
internal sealed partial class RedisBackplane : IExecutionEventWriter, IExecutionEventReader, IExecutionDirectory, IExecutionIdGenerator, IAsyncDisposable
{
    /// <summary>How long the keys of a running execution live without a renewal (the safety net if every host died).</summary>
    private static readonly TimeSpan s_runningKeyLifetime = TimeSpan.FromHours(1);

    private readonly IServiceProvider _services;
    private readonly IExecutionEventWriter _localWriter;
    private readonly IExecutionEventReader _localReader;
    private readonly FlowStreamRedisOptions _options;
    private readonly FlowStreamOptions _flowOptions;
    private readonly RedisKeys _keys;
    private readonly RedisConnection _connection;
    private readonly RedisMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private IWorkflowEngine? _engine;
    private int _started;

    public RedisBackplane(
        IServiceProvider services,
        IExecutionEventWriter localWriter,
        IExecutionEventReader localReader,
        FlowStreamRedisOptions options,
        FlowStreamOptions flowOptions,
        RedisMetrics metrics,
        TimeProvider timeProvider,
        ILogger<RedisBackplane> logger)
    {
        _services = services;
        _localWriter = localWriter;
        _localReader = localReader;
        _options = options;
        _flowOptions = flowOptions;
        _keys = new RedisKeys(options.KeyPrefix);
        _metrics = metrics;
        _time = timeProvider;
        _logger = logger;
        _connection = new RedisConnection(services, options, logger);
        Instance = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 8));
        _onAppended = OnAppended;
    }

    private readonly Action<RedisChannel, RedisValue> _onAppended;

    /// <summary>Gets this host's instance id: who owns the executions it runs, where its control messages go.</summary>
    public string Instance { get; }

    /// <summary>Gets a value indicating whether new executions can be accepted: connected, holding an id slot, and not failing to flush.</summary>
    public bool IsAvailable => _connection.IsConnected && Volatile.Read(ref _slot) >= 0 && !Volatile.Read(ref _flushFailing);

    internal RedisKeys Keys => _keys;

    internal RedisConnection Connection => _connection;

    private IWorkflowEngine Engine => _engine ??= _services.GetRequiredService<IWorkflowEngine>();

    private IDatabase Database => _connection.Get().GetDatabase();

    /// <summary>Starts the background work on first use when no host started it (a container without a host, tests of the store).</summary>
    private void EnsureStarted()
    {
        if (Volatile.Read(ref _started) == 0)
        {
            _ = StartAsync(TimeSpan.Zero, CancellationToken.None);
        }
    }

    /// <summary>Connects, claims an id slot and starts the background loops (once). Waits at most <paramref name="wait"/> for Redis.</summary>
    public async Task StartAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            return;
        }

        var ready = ConnectAndSubscribeAsync();
        _loops.Add(Task.Run(() => FlushLoopAsync(_stopping.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => LeaseLoopAsync(_stopping.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => ClaimLoopAsync(_stopping.Token), CancellationToken.None));
        _loops.Add(Task.Run(() => PollLoopAsync(_stopping.Token), CancellationToken.None));
        await Task.WhenAny(ready, Task.Delay(wait, _time, cancellationToken)).ConfigureAwait(false);
        if (ready.IsFaulted)
        {
            await ready.ConfigureAwait(false);
        }
    }

    /// <summary>Connects and subscribes to this host's channels, retrying for as long as it takes (a host may start while Redis is away).</summary>
    private async Task ConnectAndSubscribeAsync()
    {
        var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
        multiplexer.ConnectionRestored += (_, _) => OnConnectionRestored();
        multiplexer.ConnectionFailed += (_, e) => _claimNotBefore = long.MaxValue;
        var subscriber = multiplexer.GetSubscriber();
        while (true)
        {
            try
            {
                await subscriber.SubscribeAsync(_keys.ControlChannel(Instance), (channel, message) => _ = OnControlMessageAsync(message)).ConfigureAwait(false);
                await subscriber.SubscribeAsync(_keys.ReplyChannel(Instance), (_, message) => OnReply(message)).ConfigureAwait(false);
                break;
            }
            catch (RedisException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), _time, _stopping.Token).ConfigureAwait(false);
            }
        }

        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                if (await TryClaimSlotAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (RedisException)
            {
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), _time, _stopping.Token).ConfigureAwait(false);
        }

        ResetClaimDelay();
    }

    private void OnConnectionRestored()
    {
        ResetClaimDelay();
        SignalFlush();
        foreach (var log in _remoteLogs.Values)
        {
            log.Wake();
        }
    }

    /// <summary>Flushes what is buffered (for at most <paramref name="timeout"/>), stops the loops and releases the id slot.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        using (var flushed = new CancellationTokenSource(timeout, _time))
        {
            try
            {
                // The host's shutdown cancels its running executions: their ends go out too, not only what was published so far.
                if (_engine is { } engine)
                {
                    var running = engine.ListExecutions().Where(e => !e.IsFinished).Select(e => e.Completion).ToArray();
                    await Task.WhenAll(running).WaitAsync(flushed.Token).ConfigureAwait(false);
                }

                await FlushAllAsync(flushed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        SignalFlush();
        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        if (_slot >= 0 && _connection.IsConnected)
        {
            try
            {
                await Database.ScriptEvaluateAsync("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", [_keys.Slot(_slot)], [Instance]).ConfigureAwait(false);
            }
            catch (RedisException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static bool IsConnectionProblem(Exception exception)
        => exception is RedisConnectionException or RedisTimeoutException or ObjectDisposedException
            || (exception is RedisServerException server && server.Message.StartsWith("LOADING", StringComparison.Ordinal));

    private readonly ConcurrentDictionary<long, RemoteEventLog> _remoteLogs = new();
}
