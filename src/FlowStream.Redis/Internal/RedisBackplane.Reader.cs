using System.Diagnostics.CodeAnalysis;
using StackExchange.Redis;

namespace FlowStream.Redis.Internal;

/// <summary>
/// The reader side: this host's executions are read from the local log; another host's from Redis, through one
/// <see cref="RemoteEventLog"/> per followed execution that all local readers of it share (one subscription and one read per
/// notification, never one per client).
/// </summary>
internal sealed partial class RedisBackplane
{
    private readonly Dictionary<long, (int Count, Task Last)> _follows = [];

    public bool TryOpen(long executionId, long afterSequence, [NotNullWhen(true)] out ExecutionEventSubscription? subscription)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        EnsureStarted();
        if (_localReader.TryOpen(executionId, afterSequence, out subscription))
        {
            return true;
        }

        // Another host's execution, or none: no blocking call here (a request thread must not wait on Redis). The first read
        // finds out; an execution Redis does not hold fails it with InvalidOperationException, as an unknown one does anywhere.
        subscription = OpenRemote(executionId, afterSequence);
        return true;
    }

    public bool TryGetLastSequence(long executionId, out long lastSequence)
    {
        if (_localReader.TryGetLastSequence(executionId, out lastSequence))
        {
            return true;
        }

        if (!_connection.IsConnected)
        {
            return false;
        }

        _metrics.RoundTrip();
        var last = Database.StreamRange(_keys.Events(executionId), "-", "+", 1, Order.Descending);
        if (last.Length == 0)
        {
            return false;
        }

        lastSequence = SequenceOf(last[0].Id);
        return true;
    }

    private RemoteEventSubscription OpenRemote(long executionId, long afterSequence)
    {
        while (true)
        {
            var log = _remoteLogs.GetOrAdd(executionId, static (id, self) => new RemoteEventLog(self, id), this);
            if (log.TryAddReader(afterSequence, out var subscription))
            {
                return subscription;
            }

            // That log was just closed by its last reader: open a new one.
            _remoteLogs.TryRemove(new KeyValuePair<long, RemoteEventLog>(executionId, log));
        }
    }

    /// <summary>Called by a log whose last reader left: stop following that execution.</summary>
    internal void CloseRemote(RemoteEventLog log)
    {
        _remoteLogs.TryRemove(new KeyValuePair<long, RemoteEventLog>(log.ExecutionId, log));
        ChangeFollowing(log.ExecutionId, subscribe: false);
    }

    /// <summary>
    /// Starts following an execution's notifications for a log's readers; returns once subscribed. Subscriptions are counted per
    /// execution and their SUBSCRIBE/UNSUBSCRIBE run one after the other, so none is left behind by logs opening and closing at once.
    /// </summary>
    internal Task FollowAsync(long executionId) => ChangeFollowing(executionId, subscribe: true);

    private Task ChangeFollowing(long executionId, bool subscribe)
    {
        lock (_follows)
        {
            var (count, last) = _follows.GetValueOrDefault(executionId, (0, Task.CompletedTask));
            count += subscribe ? 1 : -1;
            Task next = last;
            if (subscribe && count == 1)
            {
                next = ChainAsync(last, executionId, subscribe: true);
            }
            else if (!subscribe && count == 0)
            {
                next = ChainAsync(last, executionId, subscribe: false);
            }

            _follows[executionId] = (count, next);
            if (count == 0)
            {
                _ = next.ContinueWith(static (task, state) =>
                {
                    var (self, id) = ((RedisBackplane, long))state!;
                    lock (self._follows)
                    {
                        if (self._follows.TryGetValue(id, out var entry) && entry.Count == 0 && entry.Last.IsCompleted)
                        {
                            self._follows.Remove(id);
                        }
                    }
                }, (this, executionId), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            return next;
        }
    }

    private async Task ChainAsync(Task previous, long executionId, bool subscribe)
    {
        try
        {
            await previous.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
        }

        try
        {
            var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
            var subscriber = multiplexer.GetSubscriber();
            if (subscribe)
            {
                await subscriber.SubscribeAsync(_keys.EventsChannel(executionId), _onAppended).ConfigureAwait(false);
            }
            else
            {
                await subscriber.UnsubscribeAsync(_keys.EventsChannel(executionId), _onAppended).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!subscribe && ex is RedisException or ObjectDisposedException)
        {
            // Unreachable: the server dropped the subscription with the connection.
        }
    }

    /// <summary>The one handler of every "appended" notification: wakes this host's log of that execution.</summary>
    private void OnAppended(RedisChannel channel, RedisValue message)
    {
        var name = channel.ToString();
        var start = _keys.Prefix.Length + 2;
        var end = name.IndexOf(':', start);
        if (end > start && long.TryParse(name.AsSpan(start, end - start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            && _remoteLogs.TryGetValue(id, out var log))
        {
            log.Wake();
        }
    }

    /// <summary>Reads up to <paramref name="count"/> events after <paramref name="afterSequence"/> from Redis.</summary>
    internal async Task<StreamEntry[]> ReadRangeAsync(long executionId, long afterSequence, long? upToSequence, int count)
    {
        var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
        _metrics.RoundTrip();
        return await multiplexer.GetDatabase().StreamRangeAsync(
            _keys.Events(executionId),
            "(" + afterSequence.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-0",
            upToSequence is { } last ? last.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-0" : "+",
            count).ConfigureAwait(false);
    }

    /// <summary>The sequence of the oldest event Redis still holds for an execution; 0 when it holds none.</summary>
    internal async Task<long> FirstRetainedAsync(long executionId)
    {
        var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
        _metrics.RoundTrip();
        var first = await multiplexer.GetDatabase().StreamRangeAsync(_keys.Events(executionId), "-", "+", 1).ConfigureAwait(false);
        return first.Length == 0 ? 0 : SequenceOf(first[0].Id);
    }

    /// <summary>The sequence of the newest event in Redis; 0 for an empty stream, −1 when there is no stream.</summary>
    internal async Task<long> LastSequenceAsync(long executionId)
    {
        var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
        _metrics.RoundTrip();
        var last = await multiplexer.GetDatabase().StreamRangeAsync(_keys.Events(executionId), "-", "+", 1, Order.Descending).ConfigureAwait(false);
        return last.Length > 0 ? SequenceOf(last[0].Id) : await multiplexer.GetDatabase().KeyExistsAsync(_keys.Events(executionId)).ConfigureAwait(false) ? 0 : -1;
    }

    internal int MaxRetainedEvents => _flowOptions.MaxRetainedEventsPerExecution;

    internal Task WaitBeforeRetryAsync(CancellationToken cancellationToken) => Task.Delay(_options.PollInterval, _time, cancellationToken);

    /// <summary>The safety net: re-reads every followed execution now and then, in case a notification was lost.</summary>
    private async Task PollLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.PollInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                foreach (var log in _remoteLogs.Values)
                {
                    log.Wake();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal static long SequenceOf(RedisValue entryId)
    {
        var text = (string?)entryId ?? "";
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return long.Parse(dash < 0 ? text : text[..dash], System.Globalization.CultureInfo.InvariantCulture);
    }
}
