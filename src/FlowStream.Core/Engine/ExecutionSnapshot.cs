namespace FlowStream;

/// <summary>
/// An execution's state at one moment: its status, timestamps and every node's state, taken together so they always agree
/// (a summary built from a snapshot never shows a node finished while the execution still says it is waiting for it).
/// </summary>
public sealed class ExecutionSnapshot
{
    /// <summary>Initializes a snapshot of an execution that another host runs (backplanes rebuild snapshots they stored).</summary>
    /// <param name="status">The execution's status.</param>
    /// <param name="startedAt">When it started.</param>
    /// <param name="finishedAt">When it finished, if it has.</param>
    /// <param name="errorMessage">The error that failed it, if any.</param>
    /// <param name="failedNodeName">The node whose error failed it, if any.</param>
    /// <param name="nodes">Every node's state, in definition order.</param>
    /// <param name="completedNodes">How many nodes have finished (successfully, with an error, or skipped).</param>
    /// <param name="lastSequence">The sequence number of the last event published when the snapshot was taken.</param>
    public ExecutionSnapshot(ExecutionStatus status, DateTimeOffset startedAt, DateTimeOffset? finishedAt, string? errorMessage, string? failedNodeName, IReadOnlyList<NodeExecutionState> nodes, int completedNodes, long lastSequence)
        : this(status, startedAt, finishedAt, errorMessage, failedNodeName, nodes ?? throw new ArgumentNullException(nameof(nodes)), completedNodes, lastSequence, -1)
    {
    }

    internal ExecutionSnapshot(ExecutionStatus status, DateTimeOffset startedAt, DateTimeOffset? finishedAt, string? errorMessage, string? failedNodeName, IReadOnlyList<NodeExecutionState> nodes, int completedNodes, long lastSequence, int version)
    {
        Status = status;
        StartedAt = startedAt;
        FinishedAt = finishedAt;
        ErrorMessage = errorMessage;
        FailedNodeName = failedNodeName;
        Nodes = nodes;
        CompletedNodes = completedNodes;
        LastSequence = lastSequence;
        Version = version;
    }

    /// <summary>Gets the execution's status.</summary>
    public ExecutionStatus Status { get; }

    /// <summary>Gets when the execution started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets when the execution finished, if it has.</summary>
    public DateTimeOffset? FinishedAt { get; }

    /// <summary>Gets the error that failed the execution, when its status is <see cref="ExecutionStatus.Error"/>.</summary>
    public string? ErrorMessage { get; }

    /// <summary>Gets the node whose failure failed the execution, if a node did.</summary>
    public string? FailedNodeName { get; }

    /// <summary>Gets every node's state, in definition order.</summary>
    public IReadOnlyList<NodeExecutionState> Nodes { get; }

    /// <summary>Gets how many nodes have finished or been skipped.</summary>
    public int CompletedNodes { get; }

    /// <summary>Gets the sequence number of the last event published when the snapshot was taken.</summary>
    public long LastSequence { get; }

    internal int Version { get; }
}
