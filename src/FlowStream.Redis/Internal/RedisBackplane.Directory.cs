using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace FlowStream.Redis.Internal;

/// <summary>
/// The directory every host answers from: this host's executions from the engine, the others' from their summary in Redis;
/// commands travel to the running host over its control channel and are answered once it has applied them.
/// </summary>
internal sealed partial class RedisBackplane
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _replies = new(StringComparer.Ordinal);

    /// <summary>Waits until this host's first batch of the execution is in Redis (where every host finds it), at most <see cref="FlowStreamRedisOptions.ControlTimeout"/>.</summary>
    public async ValueTask WaitUntilVisibleAsync(long executionId, CancellationToken cancellationToken = default)
    {
        try
        {
            // Other hosts find an execution by what its first batch wrote: the summary and the owner, with the first events.
            await FlushAsync(executionId, cancellationToken, upTo: 1).WaitAsync(_options.ControlTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Redis is slow or away: the execution runs here regardless and its events follow when Redis takes them.
            Log.NotVisibleInTime(_logger, executionId, _options.ControlTimeout);
        }
    }

    public async ValueTask<ExecutionInfo?> FindAsync(long executionId, CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        if (Engine.TryGetExecution(executionId, out var local))
        {
            return ExecutionInfo.FromLocal(local);
        }

        var database = await DatabaseAsync().ConfigureAwait(false);
        RedisValue header;
        StreamEntry[] last;
        try
        {
            // One round trip, small whatever the execution's size: the summary, then the stream's last id (read after it, so
            // "finished" never runs ahead of the log). Node states and outputs are read only once the caller may see them.
            var batch = database.CreateBatch();
            var headerTask = batch.HashGetAsync(_keys.Header(executionId), "summary");
            var lastTask = batch.StreamRangeAsync(_keys.Events(executionId), "-", "+", 1, Order.Descending);
            batch.Execute();
            _metrics.RoundTrip();
            header = await headerTask.WaitAsync(cancellationToken).ConfigureAwait(false);
            last = await lastTask.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionProblem(ex))
        {
            throw Unavailable(ex);
        }

        if (header.IsNullOrEmpty)
        {
            return null;
        }

        var stored = JsonSerializer.Deserialize((byte[])header!, StoredJsonContext.Default.StoredHeader)!;
        var top = last.Length > 0 ? SequenceOf(last[0].Id) : 0;
        return new ExecutionInfo(executionId, stored.WorkflowId, stored.WorkflowName, stored.Mode, stored.OwnerId, stored.Status, stored.FinishedAt is not null,
            Math.Max(top, stored.LastSequence), ct => ReadSnapshotAsync(executionId, stored, ct));
    }

    /// <summary>The full state of another host's execution: its summary with every node's stored state, outputs included.</summary>
    private async ValueTask<ExecutionSnapshot> ReadSnapshotAsync(long executionId, StoredHeader stored, CancellationToken cancellationToken)
    {
        HashEntry[] nodes;
        try
        {
            var database = await DatabaseAsync().ConfigureAwait(false);
            var batch = database.CreateBatch();
            var graphTask = batch.HashGetAsync(_keys.Header(executionId), "graph");
            var nodesTask = batch.HashGetAllAsync(_keys.Nodes(executionId));
            batch.Execute();
            _metrics.RoundTrip();
            var graph = await graphTask.WaitAsync(cancellationToken).ConfigureAwait(false);
            nodes = await nodesTask.WaitAsync(cancellationToken).ConfigureAwait(false);
            WithGraph(stored, graph);
        }
        catch (Exception ex) when (IsConnectionProblem(ex))
        {
            throw Unavailable(ex);
        }

        var states = new Dictionary<string, StoredNode>(StringComparer.Ordinal);
        foreach (var field in nodes)
        {
            states[(string)field.Name!] = JsonSerializer.Deserialize((byte[])field.Value!, StoredJsonContext.Default.StoredNode)!;
        }

        var names = stored.Nodes ?? [];
        var types = stored.NodeTypes ?? [];
        var nodeStates = new NodeExecutionState[names.Count];
        for (var i = 0; i < nodeStates.Length; i++)
        {
            var name = names[i];
            var type = i < types.Count ? types[i] : "";
            nodeStates[i] = states.TryGetValue(name, out var n)
                ? new NodeExecutionState(name, type, n.Status, n.Attempts, n.StartedAt, n.FinishedAt, n.Output, n.Error)
                : new NodeExecutionState(name, type, NodeExecutionStatus.Pending, 0, null, null, null, null);
        }

        return new ExecutionSnapshot(stored.Status, stored.StartedAt, stored.FinishedAt, stored.Error, stored.FailedNodeName, nodeStates, stored.CompletedNodes, stored.LastSequence);
    }

    public async ValueTask<JsonElement?> GetNodeOutputAsync(long executionId, string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        if (Engine.TryGetExecution(executionId, out var local))
        {
            return local.TryGetNodeOutput(nodeName, out var output) ? output : null;
        }

        var database = await DatabaseAsync().ConfigureAwait(false);
        RedisValue value;
        try
        {
            _metrics.RoundTrip();
            value = await database.HashGetAsync(_keys.Nodes(executionId), nodeName).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionProblem(ex))
        {
            throw Unavailable(ex);
        }

        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize((byte[])value!, StoredJsonContext.Default.StoredNode)?.Output;
    }

    public async ValueTask<bool> ControlAsync(long executionId, ExecutionCommand command, CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        if (Engine.TryGetExecution(executionId, out var local))
        {
            return Apply(local, command);
        }

        var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
        var database = multiplexer.GetDatabase();
        string? owner;
        try
        {
            _metrics.RoundTrip();
            owner = await database.StringGetAsync(_keys.Owner(executionId)).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsConnectionProblem(ex))
        {
            throw Unavailable(ex);
        }

        if (owner is null || owner == Instance)
        {
            // Unknown, or ended by this host after its own instance was lost: nothing runs it any more.
            return false;
        }

        var correlation = Guid.NewGuid().ToString("N");
        var reply = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _replies[correlation] = reply;
        try
        {
            var message = string.Join('|', correlation, executionId.ToString(CultureInfo.InvariantCulture), command.ToString(), Instance);
            long receivers;
            try
            {
                _metrics.RoundTrip();
                receivers = await multiplexer.GetSubscriber().PublishAsync(_keys.ControlChannel(owner), message).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsConnectionProblem(ex))
            {
                throw Unavailable(ex);
            }

            if (receivers == 0)
            {
                return await IsFinishedInRedisAsync(database, executionId).ConfigureAwait(false) ? false
                    : throw new ExecutionStoreUnavailableException($"The instance that runs execution {executionId} is not reachable. If it was lost, the execution ends within FlowStreamRedisOptions.LeaseTimeout ({_options.LeaseTimeout}).", RetryAfter);
            }

            try
            {
                return await reply.Task.WaitAsync(_options.ControlTimeout, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException ex)
            {
                throw new ExecutionStoreUnavailableException($"The instance that runs execution {executionId} did not answer within FlowStreamRedisOptions.ControlTimeout ({_options.ControlTimeout}).", RetryAfter, ex);
            }
        }
        finally
        {
            _replies.TryRemove(correlation, out _);
        }
    }

    private async Task<bool> IsFinishedInRedisAsync(IDatabase database, long executionId)
    {
        var header = await database.HashGetAsync(_keys.Header(executionId), "summary").ConfigureAwait(false);
        return header.IsNullOrEmpty || JsonSerializer.Deserialize((byte[])header!, StoredJsonContext.Default.StoredHeader)?.FinishedAt is not null;
    }

    /// <summary>A command from another host for an execution this host runs: apply, make Redis show it, answer.</summary>
    private async Task OnControlMessageAsync(RedisValue message)
    {
        try
        {
            var parts = ((string?)message ?? "").Split('|');
            if (parts.Length != 4 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var executionId)
                || !Enum.TryParse<ExecutionCommand>(parts[2], out var command) || !Enum.IsDefined(command))
            {
                return;
            }

            var applied = false;
            if (Engine.TryGetExecution(executionId, out var execution))
            {
                applied = Apply(execution, command);
                // Flushed so the requester's next read shows the change; bounded, so an applied command is never answered late.
                using var timeout = new CancellationTokenSource(_options.ControlTimeout / 2, _time);
                try
                {
                    await FlushAsync(executionId, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
            await multiplexer.GetSubscriber().PublishAsync(_keys.ReplyChannel(parts[3]), parts[0] + "|" + (applied ? "1" : "0")).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ControlFailed(_logger, ex);
        }
    }

    private void OnReply(RedisValue message)
    {
        var text = (string?)message ?? "";
        var bar = text.IndexOf('|', StringComparison.Ordinal);
        if (bar > 0 && _replies.TryRemove(text[..bar], out var reply))
        {
            reply.TrySetResult(text[(bar + 1)..] == "1");
        }
    }

    /// <summary>Fills in the node names and types from the <c>graph</c> field, when there is one.</summary>
    private static StoredHeader WithGraph(StoredHeader header, RedisValue graph)
    {
        if (!graph.IsNullOrEmpty && JsonSerializer.Deserialize((byte[])graph!, StoredJsonContext.Default.StoredHeader) is { } stored)
        {
            header.Nodes = stored.Nodes;
            header.NodeTypes = stored.NodeTypes;
        }

        return header;
    }

    private static bool Apply(WorkflowExecution execution, ExecutionCommand command) => command switch
    {
        ExecutionCommand.Cancel => execution.Cancel(),
        ExecutionCommand.Pause => execution.Pause(),
        ExecutionCommand.Resume => execution.Resume(),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown command."),
    };

    private static TimeSpan RetryAfter => TimeSpan.FromSeconds(5);

    private ExecutionStoreUnavailableException Unavailable(Exception cause)
        => new($"Redis is unreachable ({cause.Message}); executions of other hosts cannot be read or controlled now.", RetryAfter, cause);

    private async Task<IDatabase> DatabaseAsync()
    {
        var multiplexer = await _connection.GetAsync().ConfigureAwait(false);
        if (!multiplexer.IsConnected)
        {
            throw new ExecutionStoreUnavailableException("Redis is unreachable; executions of other hosts cannot be read or controlled now.", RetryAfter);
        }

        return multiplexer.GetDatabase();
    }
}
