using StackExchange.Redis;

namespace FlowStream.Redis.Internal;

/// <summary>
/// This host's window on an execution another host runs: the events read from its Redis stream since the first local reader
/// opened, shared by all local readers of it by cursor. A notification (or the poll) triggers one <c>XRANGE</c> from the last
/// event read; a reader behind the window catches up with its own <c>XRANGE</c>, exactly like a slow reader of the in-memory log.
/// </summary>
internal sealed class RemoteEventLog
{
    private const int PageSize = 512;
    private const int TrimThreshold = 4096;

    private readonly RedisBackplane _backplane;
    private readonly Lock _gate = new();
    private readonly List<ExecutionEvent> _events = [];
    private readonly List<RemoteEventSubscription> _readers = [];
    private Task? _subscribed;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _after = -1;
    private bool _finished;
    private bool _closed;
    private Exception? _error;
    private int _fetching;
    private int _again;

    public RemoteEventLog(RedisBackplane backplane, long executionId)
    {
        _backplane = backplane;
        ExecutionId = executionId;
    }

    public long ExecutionId { get; }

    private long Top => _after + _events.Count;

    public bool TryAddReader(long afterSequence, out RemoteEventSubscription subscription)
    {
        lock (_gate)
        {
            if (_closed)
            {
                subscription = null!;
                return false;
            }

            if (_after < 0)
            {
                _after = afterSequence;
            }

            // Subscribed by the log the readers really use (a factory that lost a race to create it never subscribes), once.
            _subscribed ??= _backplane.FollowAsync(ExecutionId);

            subscription = new RemoteEventSubscription(this, afterSequence);
            _readers.Add(subscription);
        }

        Wake();
        return true;
    }

    public void RemoveReader(RemoteEventSubscription subscription)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _readers.Remove(subscription);
            if (_readers.Count > 0 || _closed)
            {
                return;
            }

            _closed = true;
            changed = _changed;
        }

        changed.TrySetResult();
        _backplane.CloseRemote(this);
    }

    /// <summary>Gets the subscription's task once a reader started it (the backplane unsubscribes after it completes).</summary>
    public Task? Subscribed
    {
        get
        {
            lock (_gate)
            {
                return _subscribed;
            }
        }
    }

    /// <summary>Schedules a read of what was appended; coalesces while one runs.</summary>
    public void Wake()
    {
        Volatile.Write(ref _again, 1);
        if (Interlocked.CompareExchange(ref _fetching, 1, 0) == 0)
        {
            _ = FetchLoopAsync();
        }
    }

    private async Task FetchLoopAsync()
    {
        try
        {
            try
            {
                if (Subscribed is { } subscribed)
                {
                    await subscribed.ConfigureAwait(false);
                }
            }
            catch (RedisException)
            {
                // Not subscribed (Redis unreachable): the poll reads instead, and the subscription is restored on reconnect.
            }

            while (true)
            {
                Volatile.Write(ref _again, 0);
                await FetchAsync().ConfigureAwait(false);
                Volatile.Write(ref _fetching, 0);
                if (Volatile.Read(ref _again) == 0 || Interlocked.CompareExchange(ref _fetching, 1, 0) != 0)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            // Redis unreachable, loading or busy: readers wait; the poll or the reconnect tries again.
            Volatile.Write(ref _fetching, 0);
        }
        catch (Exception ex)
        {
            Volatile.Write(ref _fetching, 0);
            SetError(ex);
        }
    }

    private async Task FetchAsync()
    {
        while (true)
        {
            long top;
            lock (_gate)
            {
                if (_finished || _closed || _error is not null)
                {
                    return;
                }

                top = Top;
            }

            var entries = await _backplane.ReadRangeAsync(ExecutionId, top, null, PageSize).ConfigureAwait(false);
            if (entries.Length == 0)
            {
                var last = await _backplane.LastSequenceAsync(ExecutionId).ConfigureAwait(false);
                if (last < 0)
                {
                    bool seenAny;
                    lock (_gate)
                    {
                        seenAny = _events.Count > 0 || _after > 0;
                    }

                    SetError(seenAny
                        ? new ExecutionEventsUnavailableException($"Execution {ExecutionId}'s events are no longer in Redis (they expired, or Redis lost them) after event {top}.")
                        : new InvalidOperationException($"No host's store holds execution {ExecutionId} (it never existed, or it was evicted)."));
                    return;
                }

                lock (_gate)
                {
                    // The first reader started beyond the last event: the window starts at the last event instead, so it sees
                    // what follows (and the end).
                    if (_events.Count == 0 && last <= _after && last > 0)
                    {
                        _after = last - 1;
                        continue;
                    }
                }

                return;
            }

            var first = RedisBackplane.SequenceOf(entries[0].Id);
            if (first != top + 1)
            {
                // Redis trimmed what the window would read next: the window moves to what Redis holds, and a reader behind it
                // finds out from its own catch-up read (its own "next" and "first retained" in the error).
                lock (_gate)
                {
                    if (Top == top)
                    {
                        _events.Clear();
                        _after = first - 1;
                    }
                }

                continue;
            }

            var read = new List<ExecutionEvent>(entries.Length);
            var expected = top + 1;
            foreach (var entry in entries)
            {
                var sequence = RedisBackplane.SequenceOf(entry.Id);
                if (sequence != expected)
                {
                    SetError(new ExecutionEventsUnavailableException(ExecutionId, expected, sequence));
                    return;
                }

                byte[] json = entry["d"]!;
                read.Add(new ExecutionEvent(ExecutionId, sequence, EventJson.TypeOf(json), json));
                expected++;
            }

            TaskCompletionSource changed;
            lock (_gate)
            {
                if (Top != top)
                {
                    continue;
                }

                _events.AddRange(read);
                _finished = read[^1].IsTerminal;
                Trim();
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
            if (entries.Length < PageSize)
            {
                return;
            }
        }
    }

    /// <summary>Drops what every reader has read, and beyond the retention count what the slowest still needs (it catches up from Redis). Under the lock.</summary>
    private void Trim()
    {
        var retained = _backplane.MaxRetainedEvents;
        if (_events.Count < Math.Min(TrimThreshold, retained))
        {
            return;
        }

        var slowest = Top;
        foreach (var reader in _readers)
        {
            slowest = Math.Min(slowest, reader.Position);
        }

        var drop = (int)Math.Clamp(slowest - _after, 0, _events.Count);
        drop = Math.Max(drop, _events.Count - retained);
        if (drop > 0)
        {
            _events.RemoveRange(0, drop);
            _after += drop;
        }
    }

    private void SetError(Exception error)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _error ??= error;
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Returns the next batch for a reader at <paramref name="position"/>, waiting when nothing is there yet.</summary>
    public async ValueTask<ExecutionEvent[]> ReadAsync(long position, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            long catchUpTo;
            lock (_gate)
            {
                if (_error is ExecutionEventsUnavailableException unavailable)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(unavailable);
                }

                if (_error is InvalidOperationException unknown)
                {
                    throw new InvalidOperationException(unknown.Message);
                }

                if (_error is not null)
                {
                    throw new ExecutionEventsUnavailableException($"Execution {ExecutionId}'s events could not be read from Redis: {_error.Message}", _error);
                }

                if (position >= _after)
                {
                    var available = Top - position;
                    if (available > 0)
                    {
                        var count = (int)Math.Min(available, PageSize);
                        var batch = new ExecutionEvent[count];
                        _events.CopyTo((int)(position - _after), batch, 0, count);
                        return batch;
                    }

                    if (_finished)
                    {
                        return [];
                    }

                    ObjectDisposedException.ThrowIf(_closed, this);
                    changed = _changed.Task;
                    catchUpTo = -1;
                }
                else
                {
                    changed = Task.CompletedTask;
                    catchUpTo = _after;
                }
            }

            if (catchUpTo >= 0)
            {
                // Behind the shared window: this reader reads its own way up to it.
                StreamEntry[] entries;
                try
                {
                    entries = await _backplane.ReadRangeAsync(ExecutionId, position, catchUpTo, PageSize).WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (RedisException)
                {
                    // Redis is slow, away or loading: this reader waits and tries again, as a live reader does.
                    await _backplane.WaitBeforeRetryAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                var first = entries.Length == 0 ? -1 : RedisBackplane.SequenceOf(entries[0].Id);
                if (first != position + 1)
                {
                    long retained;
                    try
                    {
                        retained = await _backplane.FirstRetainedAsync(ExecutionId).WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (RedisException)
                    {
                        await _backplane.WaitBeforeRetryAsync(cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    throw new ExecutionEventsUnavailableException(ExecutionId, position + 1, retained);
                }

                var batch = new ExecutionEvent[entries.Length];
                for (var i = 0; i < entries.Length; i++)
                {
                    byte[] json = entries[i]["d"]!;
                    batch[i] = new ExecutionEvent(ExecutionId, position + 1 + i, EventJson.TypeOf(json), json);
                }

                return batch;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>One local reader of a <see cref="RemoteEventLog"/>.</summary>
internal sealed class RemoteEventSubscription(RemoteEventLog log, long afterSequence) : ExecutionEventSubscription
{
    private long _position = afterSequence;
    private int _disposed;

    public override long ExecutionId => log.ExecutionId;

    public override long Position => Volatile.Read(ref _position);

    public override async ValueTask<ReadOnlyMemory<ExecutionEvent>> ReadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var batch = await log.ReadAsync(_position, cancellationToken).ConfigureAwait(false);
        if (batch.Length > 0)
        {
            Volatile.Write(ref _position, batch[^1].Sequence);
        }

        return batch;
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            log.RemoveReader(this);
        }

        return ValueTask.CompletedTask;
    }
}
