using System.Text.Json;

namespace FlowStream.Engine;

/// <summary>
/// The state of one execution: a slot per node and the counters progress is computed from. Changed only under the execution's
/// lock; readers get an immutable <see cref="ExecutionSnapshot"/>, built at most once per change.
/// </summary>
internal sealed class ExecutionState
{
    private readonly NodeSlot[] _slots;
    private readonly NodeDefinition[] _nodes;
    private volatile StatusInfo _status;
    private int _version;
    private ExecutionSnapshot? _snapshot;

    public ExecutionState(NodeDefinition[] nodes, DateTimeOffset startedAt)
    {
        _nodes = nodes;
        _slots = new NodeSlot[nodes.Length];
        StartedAt = startedAt;
        _status = new StatusInfo(ExecutionStatus.Running, null, null, null);
    }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets the status fields, which change together (read without a lock).</summary>
    public StatusInfo Status => _status;

    public int Total => _slots.Length;

    public int Completed { get; private set; }

    public int Running { get; private set; }

    /// <summary>Gets the bytes of node outputs held (counted against the execution's byte budget).</summary>
    public long OutputBytes { get; private set; }

    public ref NodeSlot this[int index] => ref _slots[index];

    public void SetStatus(StatusInfo status)
    {
        _status = status;
        _version++;
    }

    public void MarkRunning(int index, DateTimeOffset now)
    {
        ref var slot = ref _slots[index];
        slot.Status = NodeExecutionStatus.Running;
        slot.StartedAt = now;
        slot.Attempts = 1;
        Running++;
        _version++;
    }

    public void SetAttempts(int index, int attempts)
    {
        _slots[index].Attempts = attempts;
        _version++;
    }

    public void MarkFinished(int index, NodeExecutionStatus status, JsonElement? output, int outputBytes, string? error, DateTimeOffset now, bool wasRunning)
    {
        ref var slot = ref _slots[index];
        slot.Status = status;
        slot.FinishedAt = now;
        slot.Output = output;
        slot.ErrorMessage = error;
        if (wasRunning)
        {
            Running--;
        }
        else
        {
            slot.StartedAt ??= now;
        }

        OutputBytes += outputBytes;
        Completed++;
        _version++;
    }

    /// <summary>Marks the nodes that never started as skipped, when the execution ends before reaching them.</summary>
    public void SkipPending()
    {
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Status == NodeExecutionStatus.Pending)
            {
                _slots[i].Status = NodeExecutionStatus.Skipped;
            }
        }

        _version++;
    }

    /// <summary>Returns the current snapshot, building a new one only if something changed since the last. The caller holds the lock.</summary>
    public ExecutionSnapshot GetSnapshot(long lastSequence)
    {
        if (_snapshot is { } cached && cached.Version == _version && cached.LastSequence == lastSequence)
        {
            return cached;
        }

        var nodes = new NodeExecutionState[_slots.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            ref var slot = ref _slots[i];
            nodes[i] = new NodeExecutionState(_nodes[i].Name, _nodes[i].Type, slot.Status, slot.Attempts, slot.StartedAt, slot.FinishedAt, slot.Output, slot.ErrorMessage);
        }

        var status = _status;
        return _snapshot = new ExecutionSnapshot(status.Status, StartedAt, status.FinishedAt, status.ErrorMessage, status.FailedNodeName, nodes, Completed, lastSequence, _version);
    }

    public bool TryGetOutput(int index, out JsonElement output)
    {
        if (_slots[index].Output is { } value)
        {
            output = value;
            return true;
        }

        output = default;
        return false;
    }
}

/// <summary>One node's state. Mutable, inside <see cref="ExecutionState"/> only.</summary>
internal struct NodeSlot
{
    public NodeExecutionStatus Status;
    public int Attempts;
    public DateTimeOffset? StartedAt;
    public DateTimeOffset? FinishedAt;
    public JsonElement? Output;
    public string? ErrorMessage;
}

/// <summary>The status fields of an execution, replaced together.</summary>
internal sealed record StatusInfo(ExecutionStatus Status, DateTimeOffset? FinishedAt, string? ErrorMessage, string? FailedNodeName);
