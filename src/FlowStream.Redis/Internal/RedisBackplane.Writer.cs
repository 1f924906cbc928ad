using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using FlowStream.WireContract;
using StackExchange.Redis;

namespace FlowStream.Redis.Internal;

/// <summary>The writer side: every event goes to the local log at once and to Redis in batches, one script call per execution per batch.</summary>
internal sealed partial class RedisBackplane
{
    private readonly ConcurrentDictionary<long, PendingExecution> _pending = new();
    private readonly ConcurrentQueue<PendingExecution> _scheduled = new();
    private readonly ConcurrentDictionary<long, Task> _removals = new();
    private readonly SemaphoreSlim _flushSignal = new(0);
    private long _bufferedBytes;
    private bool _flushFailing;

    public void Append(long executionId, long sequence, string type, ReadOnlySpan<byte> utf8Json)
    {
        // The local log checks the order and serves this host's readers without a round trip.
        _localWriter.Append(executionId, sequence, type, utf8Json);
        EnsureStarted();
        var now = _time.GetTimestamp();
        var pending = sequence == 1
            ? _pending.GetOrAdd(executionId, static (id, now) => new PendingExecution(id, now), now)
            : _pending.GetValueOrDefault(executionId);
        if (pending is null)
        {
            return;
        }

        bool schedule;
        string? overflow = null;
        lock (pending.Gate)
        {
            if (pending.Dead)
            {
                return;
            }

            if (pending.Queue.Count == 0)
            {
                pending.FirstPublishedAt = now;
            }

            pending.Queue.Add(new PendingEvent(sequence, utf8Json.ToArray(), ReferenceEquals(type, WireNames.ExecutionFinished) || type == WireNames.ExecutionFinished, now));
            pending.LastAppended = sequence;
            pending.BufferedBytes += utf8Json.Length;
            var total = Interlocked.Add(ref _bufferedBytes, utf8Json.Length);
            if (!pending.Overflowed && (pending.BufferedBytes > _options.MaxBufferedEventBytesPerExecution || total > _options.MaxBufferedEventBytes))
            {
                pending.Overflowed = true;
                overflow = pending.BufferedBytes > _options.MaxBufferedEventBytesPerExecution
                    ? $"Redis has not acknowledged this execution's events and they exceed the local buffer (FlowStreamRedisOptions.MaxBufferedEventBytesPerExecution, {_options.MaxBufferedEventBytesPerExecution} bytes): the execution stops rather than drop events."
                    : $"Redis has not acknowledged this host's events and they exceed the local buffer (FlowStreamRedisOptions.MaxBufferedEventBytes, {_options.MaxBufferedEventBytes} bytes): the execution stops rather than drop events.";
            }

            schedule = !pending.Scheduled;
            pending.Scheduled = true;
        }

        _metrics.Buffered(1);
        if (overflow is not null)
        {
            FailLater(executionId, overflow);
        }

        if (schedule)
        {
            _scheduled.Enqueue(pending);
            SignalFlush();
        }
    }

    public bool Remove(long executionId)
    {
        // The host that ran an execution decides when it is forgotten (its retention settings), here and in Redis.
        if (!_localWriter.Remove(executionId))
        {
            return false;
        }

        var removal = ForgetInRedisAsync(executionId);
        _removals[executionId] = removal;
        _ = removal.ContinueWith(static (_, state) =>
        {
            var (self, id) = ((RedisBackplane, long))state!;
            self._removals.TryRemove(id, out var _);
        }, (this, executionId), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return true;
    }

    /// <summary>Deletes an evicted execution's keys, after whatever of it was still on its way to Redis (so nothing recreates them).</summary>
    private async Task ForgetInRedisAsync(long executionId)
    {
        try
        {
            // However long Redis is away: the buffered events (bounded by MaxBufferedEventBytes) go first, executionFinished
            // included, so other hosts see the end rather than a lost execution.
            await FlushAsync(executionId, _stopping.Token).ConfigureAwait(false);
            var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
            await multiplexer.GetDatabase().KeyDeleteAsync([_keys.Events(executionId), _keys.Owner(executionId), _keys.Header(executionId), _keys.Nodes(executionId)]).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or RedisException)
        {
            // Stopping, or Redis away: the keys expire with their retention time anyway.
        }
    }

    /// <summary>Waits until Redis has forgotten a removed execution (or failed to).</summary>
    internal async Task WhenRemovedAsync(long executionId)
    {
        if (_removals.TryGetValue(executionId, out var removal))
        {
            try
            {
                await removal.ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // The keys expire with their TTL anyway.
            }
        }
    }

    private void SignalFlush()
    {
        if (_flushSignal.CurrentCount == 0)
        {
            _flushSignal.Release();
        }
    }

    /// <summary>Fails an execution from outside the caller's lock (the engine calls Append under its own).</summary>
    private void FailLater(long executionId, string reason)
    {
        ThreadPool.QueueUserWorkItem(static state =>
        {
            var (self, id, message) = state;
            if (self.Engine.TryGetExecution(id, out var execution) && execution.Fail(message))
            {
                Log.ExecutionFailed(self._logger, id, message);
            }
        }, (this, executionId, reason), preferLocal: false);
    }

    /// <summary>Waits until every event of <paramref name="executionId"/> published so far is in Redis.</summary>
    /// <param name="executionId">The execution.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <param name="upTo">Waits only until Redis has the events up to this sequence number (1: the execution is known there).</param>
    internal Task FlushAsync(long executionId, CancellationToken cancellationToken, long? upTo = null)
    {
        if (!_pending.TryGetValue(executionId, out var pending))
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool schedule;
        lock (pending.Gate)
        {
            // Up to what was published before the call (or less): events published meanwhile do not hold the caller up.
            var target = Math.Min(upTo ?? pending.LastAppended, pending.LastAppended);
            if (pending.Done || pending.Acknowledged >= target)
            {
                return Task.CompletedTask;
            }

            pending.FlushWaiters.Add((target, waiter));
            schedule = !pending.Scheduled;
            pending.Scheduled = true;
        }

        if (schedule)
        {
            _scheduled.Enqueue(pending);
        }

        SignalFlush();
        return waiter.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAllAsync(CancellationToken cancellationToken)
    {
        foreach (var id in _pending.Keys.ToArray())
        {
            await FlushAsync(id, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FlushLoopAsync(CancellationToken stopping)
    {
        var backoff = TimeSpan.Zero;
        var batch = new List<PendingExecution>();
        while (true)
        {
            try
            {
                await _flushSignal.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (backoff > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(backoff, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            batch.Clear();
            while (_scheduled.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            bool ok;
            try
            {
                var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
                ok = await FlushBatchAsync(multiplexer.GetDatabase(), batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Never let the loop die: whatever went wrong, the batch was requeued and is tried again.
                Log.BackgroundFailed(_logger, ex);
                ok = false;
            }

            if (ok)
            {
                if (Volatile.Read(ref _flushFailing))
                {
                    Volatile.Write(ref _flushFailing, false);
                    Log.Reachable(_logger);
                }

                backoff = TimeSpan.Zero;
            }
            else
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(50) : TimeSpan.FromMilliseconds(Math.Min(1000, backoff.TotalMilliseconds * 2));
                SignalFlush();
            }
        }
    }

    /// <summary>Sends one script call per execution, pipelined, then applies the answers. Returns false when Redis could not be reached.</summary>
    private async Task<bool> FlushBatchAsync(IDatabase database, List<PendingExecution> batch)
    {
        var calls = new List<(PendingExecution Pending, List<PendingEvent> Events, Task<RedisResult> Call)>(batch.Count);
        foreach (var pending in batch)
        {
            List<PendingEvent> events;
            lock (pending.Gate)
            {
                pending.Scheduled = false;
                if (pending.Dead || pending.Done)
                {
                    ReleaseWaiters(pending);
                    continue;
                }

                events = pending.Queue;
                pending.Queue = [];
            }

            if (events.Count == 0 && pending.Acknowledged >= pending.LastAppended)
            {
                lock (pending.Gate)
                {
                    ReleaseWaiters(pending);
                }

                continue;
            }

            RedisValue[] arguments;
            try
            {
                arguments = AppendArguments(pending, events);
            }
            catch (Exception ex)
            {
                // Describing the execution failed (it should not): its events go back, in order, and are tried again.
                Log.BackgroundFailed(_logger, ex);
                Requeue(pending, events);
                continue;
            }

            calls.Add((pending, events, database.ScriptEvaluateAsync(RedisScripts.Append, AppendKeys(pending.ExecutionId), arguments)));
        }

        if (calls.Count == 0)
        {
            return true;
        }

        _metrics.RoundTrip();
        Exception? failure = null;
        var failed = 0;
        foreach (var (pending, events, call) in calls)
        {
            long result;
            try
            {
                result = (long)await call.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                // Unreachable, or refusing writes for now (OOM at maxmemory, READONLY during a failover, BUSY): the events stay
                // here, in order, and go again after a back-off.
                failure ??= ex;
                failed++;
                Requeue(pending, events);
                continue;
            }

            if (result < 0)
            {
                Fence(pending, events, result == -2
                    ? $"This instance ({Instance}) lost execution {pending.ExecutionId}: another instance took it over after its lease lapsed, and ended it."
                    : $"Redis no longer holds execution {pending.ExecutionId} (it restarted without persistence, or the keys expired): its events cannot be shared any more.");
                continue;
            }

            Acknowledge(pending, events, result);
        }

        if (failure is not null)
        {
            if (!Volatile.Read(ref _flushFailing))
            {
                Volatile.Write(ref _flushFailing, true);
                Log.Unreachable(_logger, failed, failure);
            }

            return false;
        }

        return true;
    }

    private RedisKey[] AppendKeys(long id) => [_keys.Events(id), _keys.Owner(id), _keys.Header(id), _keys.Nodes(id), _keys.Leases];

    private RedisValue[] AppendArguments(PendingExecution pending, List<PendingEvent> events)
    {
        var id = pending.ExecutionId;
        var first = events.Count > 0 ? events[0].Sequence : pending.Acknowledged + 1;
        var finished = events.Count > 0 && events[^1].IsTerminal;

        // Trimming by bytes: the oldest retained events go while the execution's events exceed its byte budget. Computed
        // here, applied to the bookkeeping only once Redis has acknowledged the batch.
        var minId = RedisValue.EmptyString;
        var total = pending.RetainedBytes;
        foreach (var e in events)
        {
            total += e.Utf8Json.Length;
        }

        if (total > _flowOptions.MaxRetainedEventBytesPerExecution)
        {
            var kept = pending.Retained.Concat(events.Select(e => (Sequence: e.Sequence, Size: e.Utf8Json.Length))).ToList();
            var i = 0;
            while (total > _flowOptions.MaxRetainedEventBytesPerExecution && i < kept.Count - 1)
            {
                total -= kept[i].Size;
                i++;
            }

            minId = kept[i].Sequence.ToString(CultureInfo.InvariantCulture) + "-0";
        }

        // The summary is taken after the events were taken from the queue, so it is never behind them: a host that reads it
        // and the stream's last id together never calls an execution finished before its executionFinished is in the stream.
        var (header, graph, nodeFields) = DescribeForRedis(pending);
        var values = new RedisValue[13 + events.Count + nodeFields.Count];
        values[0] = Instance;
        values[1] = id;
        values[2] = first;
        values[3] = events.Count;
        values[4] = (long)_options.LeaseTimeout.TotalMilliseconds;
        values[5] = _flowOptions.MaxRetainedEventsPerExecution;
        values[6] = minId;
        values[7] = header ?? RedisValue.EmptyString;
        values[8] = finished ? Math.Max(1, (long)_flowOptions.FinishedExecutionTimeToLive.TotalMilliseconds) : 0;
        values[9] = _keys.EventsChannel(id).ToString();
        values[10] = (long)s_runningKeyLifetime.TotalMilliseconds;
        values[11] = nodeFields.Count / 2;
        values[12] = graph ?? RedisValue.EmptyString;
        for (var i = 0; i < events.Count; i++)
        {
            values[13 + i] = events[i].Utf8Json;
        }

        for (var i = 0; i < nodeFields.Count; i++)
        {
            values[13 + events.Count + i] = nodeFields[i];
        }

        return values;
    }

    /// <summary>The header JSON and the changed nodes' fields, from the local execution's snapshot (none once it was evicted here).</summary>
    private (byte[]? Header, byte[]? Graph, List<RedisValue> NodeFields) DescribeForRedis(PendingExecution pending)
    {
        var fields = new List<RedisValue>();
        if (!Engine.TryGetExecution(pending.ExecutionId, out var execution))
        {
            return (null, null, fields);
        }

        var snapshot = execution.GetSnapshot();
        var header = new StoredHeader
        {
            ExecutionId = execution.Id,
            WorkflowId = execution.Workflow.Id,
            WorkflowName = execution.Workflow.Name,
            Mode = execution.Mode,
            OwnerId = execution.OwnerId,
            Instance = Instance,
            Status = snapshot.Status,
            StartedAt = snapshot.StartedAt,
            FinishedAt = snapshot.FinishedAt,
            Error = snapshot.ErrorMessage,
            FailedNodeName = snapshot.FailedNodeName,
            CompletedNodes = snapshot.CompletedNodes,
            LastSequence = snapshot.LastSequence,
        };

        // The node names and types never change: sent until Redis has acknowledged a batch of this execution, then never again.
        var graph = pending.Registered ? null : JsonSerializer.SerializeToUtf8Bytes(
            new StoredHeader { Nodes = [.. snapshot.Nodes.Select(n => n.Name)], NodeTypes = [.. snapshot.Nodes.Select(n => n.Type)] },
            StoredJsonContext.Default.StoredHeader);

        var written = pending.WrittenNodes ??= new (NodeExecutionStatus, int, bool)[snapshot.Nodes.Count];
        for (var i = 0; i < snapshot.Nodes.Count && i < written.Length; i++)
        {
            var node = snapshot.Nodes[i];
            var state = (node.Status, node.Attempts, node.FinishedAt is not null);
            if (i < written.Length && written[i] == state && node.Status != NodeExecutionStatus.Pending)
            {
                continue;
            }

            if (node.Status == NodeExecutionStatus.Pending)
            {
                written[i] = state;
                continue;
            }

            written[i] = state;
            fields.Add(node.Name);
            fields.Add(JsonSerializer.SerializeToUtf8Bytes(new StoredNode
            {
                Status = node.Status,
                Attempts = node.Attempts,
                StartedAt = node.StartedAt,
                FinishedAt = node.FinishedAt,
                Output = node.Output,
                Error = node.ErrorMessage,
            }, StoredJsonContext.Default.StoredNode));
        }

        return (JsonSerializer.SerializeToUtf8Bytes(header, StoredJsonContext.Default.StoredHeader), graph, fields);
    }

    private void Requeue(PendingExecution pending, List<PendingEvent> events)
    {
        lock (pending.Gate)
        {
            if (pending.Dead)
            {
                // Fenced meanwhile: these events will never be sent; they leave the buffer's count.
                long bytes = 0;
                foreach (var e in events)
                {
                    bytes += e.Utf8Json.Length;
                }

                Interlocked.Add(ref _bufferedBytes, -bytes);
                _metrics.Buffered(-events.Count);
                return;
            }

            // Back in front of whatever was published meanwhile: the order never changes.
            events.AddRange(pending.Queue);
            pending.Queue = events;
            pending.WrittenNodes = null;
            if (!pending.Scheduled)
            {
                pending.Scheduled = true;
                _scheduled.Enqueue(pending);
            }
        }
    }

    private void Acknowledge(PendingExecution pending, List<PendingEvent> events, long top)
    {
        long bytes = 0;
        foreach (var e in events)
        {
            bytes += e.Utf8Json.Length;
        }

        var now = _time.GetTimestamp();
        if (events.Count > 0)
        {
            _metrics.Acknowledged(_time.GetElapsedTime(events[0].PublishedAt, now));
        }

        _metrics.Buffered(-events.Count);
        Interlocked.Add(ref _bufferedBytes, -bytes);
        foreach (var e in events)
        {
            pending.Retained.Enqueue((e.Sequence, e.Utf8Json.Length));
            pending.RetainedBytes += e.Utf8Json.Length;
        }

        while (pending.Retained.Count > 1 && (pending.RetainedBytes > _flowOptions.MaxRetainedEventBytesPerExecution || pending.Retained.Count > _flowOptions.MaxRetainedEventsPerExecution))
        {
            pending.RetainedBytes -= pending.Retained.Dequeue().Size;
        }

        lock (pending.Gate)
        {
            pending.BufferedBytes -= bytes;
            pending.Acknowledged = Math.Max(pending.Acknowledged, Math.Min(top, pending.LastAppended));
            pending.Registered = true;
            if (events.Count > 0 && events[^1].IsTerminal)
            {
                pending.Done = true;
                _pending.TryRemove(pending.ExecutionId, out _);
            }

            ReleaseWaiters(pending);
        }
    }

    private void Fence(PendingExecution pending, List<PendingEvent> events, string? reason)
    {
        long bytes = 0;
        foreach (var e in events)
        {
            bytes += e.Utf8Json.Length;
        }

        int dropped;
        lock (pending.Gate)
        {
            foreach (var e in pending.Queue)
            {
                bytes += e.Utf8Json.Length;
            }

            dropped = events.Count + pending.Queue.Count;
            pending.Queue = [];
            pending.Dead = true;
            pending.Done = true;
            pending.BufferedBytes = 0;
            ReleaseWaiters(pending);
        }

        _pending.TryRemove(pending.ExecutionId, out _);
        _metrics.Buffered(-dropped);
        Interlocked.Add(ref _bufferedBytes, -bytes);
        if (!string.IsNullOrEmpty(reason))
        {
            FailLater(pending.ExecutionId, reason);
        }
    }

    /// <summary>Releases who waits for what Redis has acknowledged, or everyone once nothing more will be sent. Under <see cref="PendingExecution.Gate"/>.</summary>
    private static void ReleaseWaiters(PendingExecution pending)
    {
        var all = pending.Done || pending.Dead;
        pending.FlushWaiters.RemoveAll(waiter =>
        {
            if (!all && waiter.UpTo > pending.Acknowledged)
            {
                return false;
            }

            waiter.Done.TrySetResult();
            return true;
        });
    }
}
