using System.Globalization;
using System.Text.Json;
using FlowStream.WireContract;
using StackExchange.Redis;

namespace FlowStream.Redis.Internal;

/// <summary>
/// Leases, lost instances and execution ids. The running host renews a lease per execution (a score in one sorted set, set by
/// Redis's own clock); every host claims lapsed ones atomically and ends them with the events a finished execution needs.
/// </summary>
internal sealed partial class RedisBackplane
{
    private const int Slots = 64;
    private const long MaxId = (1L << 53) - 1;
    private static readonly long s_epochMs = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private readonly Lock _idLock = new();
    private int _slot = -1;
    private long _lastIdMs;
    private int _idCounter;
    private long _claimNotBefore = long.MaxValue;

    /// <summary>
    /// A new id: milliseconds since 2024 (41 bits), this host's slot (6 bits, leased in Redis so no two live hosts share one) and
    /// a counter (6 bits). Throws <see cref="ExecutionStoreUnavailableException"/> while Redis cannot take new executions.
    /// </summary>
    public long NextId()
    {
        EnsureStarted();
        if (!IsAvailable)
        {
            throw new ExecutionStoreUnavailableException(
                _connection.IsConnected ? "Redis is not keeping up with this host's events; new executions are refused until it does." : "Redis is unreachable; new executions are refused until it returns.",
                RetryAfter);
        }

        lock (_idLock)
        {
            var slot = Volatile.Read(ref _slot);
            if (slot < 0)
            {
                throw new ExecutionStoreUnavailableException("This host holds no id slot in Redis right now; new executions are refused until it does.", RetryAfter);
            }

            var ms = Math.Max(0, NowMs - s_epochMs);
            if (ms > _lastIdMs)
            {
                _lastIdMs = ms;
                _idCounter = 0;
            }
            else if (++_idCounter == 64)
            {
                _lastIdMs++;
                _idCounter = 0;
            }

            var id = (_lastIdMs << 12) | ((long)slot << 6) | (long)_idCounter;
            return id <= MaxId ? id : throw new InvalidOperationException("Execution ids are exhausted (the clock is past the year 2093).");
        }
    }

    private void ResetClaimDelay() => Volatile.Write(ref _claimNotBefore, NowMs + (long)_options.LeaseTimeout.TotalMilliseconds);

    private async Task<bool> TryClaimSlotAsync()
    {
        var database = Database;
        var start = Random.Shared.Next(Slots);
        for (var i = 0; i < Slots; i++)
        {
            var slot = (start + i) % Slots;
            _metrics.RoundTrip();
            if (await database.StringSetAsync(_keys.Slot(slot), Instance, SlotLifetime, When.NotExists).ConfigureAwait(false))
            {
                Volatile.Write(ref _slot, slot);
                Log.SlotClaimed(_logger, Instance, slot);
                return true;
            }
        }

        return false;
    }

    private TimeSpan SlotLifetime => _options.LeaseTimeout * 4;

    /// <summary>Renews this host's leases (and id slot) every third of the lease timeout: its own loop, so ending other hosts' executions never delays it.</summary>
    private async Task LeaseLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.LeaseTimeout / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                if (!_connection.IsConnected)
                {
                    continue;
                }

                try
                {
                    await RenewAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                }
                catch (Exception ex)
                {
                    Log.BackgroundFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Claims and ends lapsed executions every third of the lease timeout, as many as there are, several at once.</summary>
    private async Task ClaimLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(_options.LeaseTimeout / 3, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                if (!_connection.IsConnected || NowMs < Volatile.Read(ref _claimNotBefore))
                {
                    continue;
                }

                try
                {
                    while (await ClaimLapsedAsync().ConfigureAwait(false) == ClaimBatch && !stopping.IsCancellationRequested)
                    {
                    }
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException)
                {
                }
                catch (Exception ex)
                {
                    Log.BackgroundFailed(_logger, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RenewAsync()
    {
        var database = Database;
        var slot = Volatile.Read(ref _slot);
        if (slot >= 0)
        {
            _metrics.RoundTrip();
            if ((long)await database.ScriptEvaluateAsync(RedisScripts.RenewSlot, [_keys.Slot(slot)], [Instance, (long)SlotLifetime.TotalMilliseconds]).ConfigureAwait(false) == 0)
            {
                // Lost it (Redis restarted empty, or this host was away past its lifetime): take another before minting ids.
                Volatile.Write(ref _slot, -1);
                await TryClaimSlotAsync().ConfigureAwait(false);
            }
        }
        else
        {
            await TryClaimSlotAsync().ConfigureAwait(false);
        }

        var running = _pending.Values.Where(p => p.Registered && !p.Done && !p.Dead).Select(p => p.ExecutionId).ToArray();
        if (running.Length == 0)
        {
            return;
        }

        var keys = new RedisKey[1 + running.Length * 4];
        var values = new RedisValue[3 + running.Length];
        keys[0] = _keys.Leases;
        values[0] = Instance;
        values[1] = (long)_options.LeaseTimeout.TotalMilliseconds;
        values[2] = (long)s_runningKeyLifetime.TotalMilliseconds;
        for (var i = 0; i < running.Length; i++)
        {
            var id = running[i];
            keys[1 + i * 4] = _keys.Owner(id);
            keys[2 + i * 4] = _keys.Events(id);
            keys[3 + i * 4] = _keys.Header(id);
            keys[4 + i * 4] = _keys.Nodes(id);
            values[3 + i] = id;
        }

        _metrics.RoundTrip();
        var lost = (RedisResult[])(await database.ScriptEvaluateAsync(RedisScripts.Renew, keys, values).ConfigureAwait(false))!;
        foreach (var id in lost)
        {
            if (_pending.TryGetValue((long)id, out var pending))
            {
                Fence(pending, [], $"This instance ({Instance}) lost execution {pending.ExecutionId}: another instance took it over after its lease lapsed, and ended it.");
            }
        }
    }

    private const int ClaimBatch = 16;

    /// <summary>Claims up to <see cref="ClaimBatch"/> lapsed executions and ends them concurrently; returns how many it claimed.</summary>
    private async Task<int> ClaimLapsedAsync()
    {
        _metrics.RoundTrip();
        var claimed = (RedisResult[])(await Database.ScriptEvaluateAsync(RedisScripts.Claim, [_keys.Leases], [Instance, ClaimBatch, _keys.OwnerPrefix, RedisKeys.OwnerSuffix, (long)_options.LeaseTimeout.TotalMilliseconds]).ConfigureAwait(false))!;
        await Task.WhenAll(claimed.Select(async id =>
        {
            var executionId = (long)id;
            try
            {
                await EndLostExecutionAsync(executionId).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Its lease (now this host's) lapses and it is claimed again.
                Log.EndingLostExecutionFailed(_logger, executionId, ex);
            }
        })).ConfigureAwait(false);
        return claimed.Length;
    }

    /// <summary>
    /// Ends an execution whose instance was lost: a <c>nodeExecutionAfter</c> with <c>status: "error"</c> for each node left
    /// running, then <c>executionFinished</c> with <c>status: "error"</c>, appended as this host (the claim made it the owner, so
    /// the lost instance's late appends are refused).
    /// </summary>
    private async Task EndLostExecutionAsync(long executionId)
    {
        var database = Database;
        _metrics.RoundTrip();
        var headerValues = await database.HashGetAsync(_keys.Header(executionId), ["summary", "graph"]).ConfigureAwait(false);
        var headerValue = headerValues[0];
        if (headerValue.IsNullOrEmpty)
        {
            await database.SortedSetRemoveAsync(_keys.Leases, executionId).ConfigureAwait(false);
            return;
        }

        var header = WithGraph(JsonSerializer.Deserialize((byte[])headerValue!, StoredJsonContext.Default.StoredHeader)!, headerValues[1]);
        var nodeNames = header.Nodes ?? [];
        var nodeTypes = header.NodeTypes ?? [];
        header.Nodes = null;
        header.NodeTypes = null;

        // The stream is what readers saw, so the end is written after its last event and from what it shows: the summary may
        // run ahead of it (it is taken after the batch it goes with, and the lost host's last batch may never have arrived).
        var nodeFields = await database.HashGetAllAsync(_keys.Nodes(executionId)).ConfigureAwait(false);
        var nodes = nodeFields.ToDictionary(f => (string)f.Name!, f => JsonSerializer.Deserialize((byte[])f.Value!, StoredJsonContext.Default.StoredNode)!, StringComparer.Ordinal);
        var running = new Dictionary<string, (string Type, int Attempt, DateTimeOffset StartedAt)>(StringComparer.Ordinal);
        foreach (var (name, node) in nodes)
        {
            if (node.Status == NodeExecutionStatus.Running)
            {
                // Its nodeExecutionBefore may have left the retained window: the summary says it ran.
                var index = nodeNames.IndexOf(name);
                running[name] = (index >= 0 && index < nodeTypes.Count ? nodeTypes[index] : "", Math.Max(1, node.Attempts), node.StartedAt ?? header.StartedAt);
            }
        }

        long top = 0;
        var completed = 0;
        var finished = false;
        while (true)
        {
            var entries = await ReadRangeAsync(executionId, top, null, 512).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                top = SequenceOf(entry.Id);
                byte[] json = entry["d"]!;
                var type = EventJson.TypeOf(json);
                if (type == WireNames.ExecutionFinished)
                {
                    finished = true;
                    continue;
                }

                if (type is not WireNames.NodeExecutionBefore and not WireNames.NodeExecutionAfter)
                {
                    continue;
                }

                using var document = JsonDocument.Parse(json);
                var data = document.RootElement.GetProperty("data");
                var name = data.GetProperty("nodeName").GetString()!;
                if (type == WireNames.NodeExecutionAfter)
                {
                    running.Remove(name);
                    completed = data.TryGetProperty("progress", out var progress) && progress.TryGetProperty("completed", out var done) ? done.GetInt32() : completed + 1;
                }
                else if (!data.TryGetProperty("reason", out _))
                {
                    running[name] = (data.TryGetProperty("nodeType", out var nodeType) ? nodeType.GetString() ?? "" : "", data.TryGetProperty("attempt", out var attempt) ? attempt.GetInt32() : 1, data.TryGetProperty("startedAt", out var started) && started.TryGetDateTimeOffset(out var at) ? at : header.StartedAt);
                }
            }

            if (entries.Length < 512)
            {
                break;
            }
        }

        if (finished)
        {
            // The lost host's executionFinished did arrive; only the lease was left behind.
            await database.SortedSetRemoveAsync(_keys.Leases, executionId).ConfigureAwait(false);
            return;
        }

        Log.EndingLostExecution(_logger, executionId, header.Instance, Instance);
        var now = _time.GetUtcNow();
        var message = $"The instance that ran execution {executionId} was lost: its lease lapsed (FlowStreamRedisOptions.LeaseTimeout {_options.LeaseTimeout}), and instance {Instance} ended the execution.";
        var events = new List<byte[]>();
        var fields = new List<RedisValue>();
        var total = nodeNames.Count;
        completed = Math.Max(completed, Math.Min(header.CompletedNodes, total) - running.Count);
        foreach (var name in nodeNames.Where(running.ContainsKey).Concat(running.Keys.Where(n => !nodeNames.Contains(n))))
        {
            var (type, attempt, startedAt) = running[name];
            completed++;
            events.Add(EventJson.LostNodeAfter(executionId, name, type, attempt, now, (long)Math.Max(0, (now - startedAt).TotalMilliseconds), message, Math.Min(completed, total), total));
            fields.Add(name);
            fields.Add(JsonSerializer.SerializeToUtf8Bytes(new StoredNode { Status = NodeExecutionStatus.Error, Attempts = attempt, StartedAt = startedAt, FinishedAt = now, Error = message }, StoredJsonContext.Default.StoredNode));
        }

        events.Add(EventJson.LostExecutionFinished(executionId, now, (long)Math.Max(0, (now - header.StartedAt).TotalMilliseconds), message));
        header.Status = ExecutionStatus.Error;
        header.FinishedAt = now;
        header.Error = message;
        header.CompletedNodes = Math.Min(completed, total);
        header.LastSequence = top + events.Count;
        header.Instance = Instance;

        var values = new List<RedisValue>
        {
            Instance, executionId, top + 1, events.Count, (long)_options.LeaseTimeout.TotalMilliseconds, _flowOptions.MaxRetainedEventsPerExecution, RedisValue.EmptyString,
            JsonSerializer.SerializeToUtf8Bytes(header, StoredJsonContext.Default.StoredHeader),
            Math.Max(1, (long)_flowOptions.FinishedExecutionTimeToLive.TotalMilliseconds), _keys.EventsChannel(executionId).ToString(),
            (long)s_runningKeyLifetime.TotalMilliseconds, fields.Count / 2, RedisValue.EmptyString,
        };
        values.AddRange(events.Select(e => (RedisValue)e));
        values.AddRange(fields);
        _metrics.RoundTrip();
        var result = (long)await database.ScriptEvaluateAsync(RedisScripts.Append, AppendKeys(executionId), [.. values]).ConfigureAwait(false);
        if (result <= 0)
        {
            throw new InvalidOperationException($"The end of lost execution {executionId} was refused ({result}): something else appended meanwhile; it is claimed again after the lease timeout.");
        }

        _metrics.EndedLostExecution();
    }
}
