namespace FlowStream;

/// <summary>
/// What any host knows of an execution: who owns it, what it runs, and a snapshot of its state. Returned by
/// <see cref="IExecutionDirectory.FindAsync"/>.
/// </summary>
public sealed class ExecutionInfo
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="executionId">The execution id.</param>
    /// <param name="workflowId">The workflow's id.</param>
    /// <param name="workflowName">The workflow's name, if it has one.</param>
    /// <param name="mode">The execution's mode.</param>
    /// <param name="ownerId">The user who started it; <see langword="null"/> for an anonymous caller.</param>
    /// <param name="snapshot">Its state.</param>
    /// <param name="lastSequence">
    /// The sequence number of the last event in its log, read after <paramref name="snapshot"/> (so it is at least the snapshot's
    /// <see cref="ExecutionSnapshot.LastSequence"/>).
    /// </param>
    /// <param name="local">The execution itself, when it runs on this host.</param>
    public ExecutionInfo(long executionId, string workflowId, string? workflowName, string mode, string? ownerId, ExecutionSnapshot snapshot, long lastSequence, WorkflowExecution? local = null)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(snapshot);
        ExecutionId = executionId;
        WorkflowId = workflowId;
        WorkflowName = workflowName;
        Mode = mode;
        OwnerId = ownerId;
        Snapshot = snapshot;
        LastSequence = Math.Max(lastSequence, snapshot.LastSequence);
        Local = local;
    }

    /// <summary>Gets the execution id.</summary>
    public long ExecutionId { get; }

    /// <summary>Describes an execution that runs on this host, from one snapshot of it.</summary>
    /// <param name="execution">The execution.</param>
    /// <returns>Its description; <see cref="LastSequence"/> is the snapshot's.</returns>
    public static ExecutionInfo FromLocal(WorkflowExecution execution)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var snapshot = execution.GetSnapshot();
        return new ExecutionInfo(execution.Id, execution.Workflow.Id, execution.Workflow.Name, execution.Mode, execution.OwnerId, snapshot, snapshot.LastSequence, execution);
    }

    /// <summary>Gets the workflow's id.</summary>
    public string WorkflowId { get; }

    /// <summary>Gets the workflow's name, if it has one.</summary>
    public string? WorkflowName { get; }

    /// <summary>Gets the execution's mode (<c>"manual"</c> unless the request said otherwise).</summary>
    public string Mode { get; }

    /// <summary>Gets the id of the user who started the execution, or <see langword="null"/> for an anonymous caller.</summary>
    public string? OwnerId { get; }

    /// <summary>Gets the execution's state when it was found.</summary>
    public ExecutionSnapshot Snapshot { get; }

    /// <summary>Gets the sequence number of the last event in the execution's log when it was found.</summary>
    public long LastSequence { get; }

    /// <summary>Gets a value indicating whether the execution had finished when it was found (its <c>executionFinished</c> is in its log).</summary>
    public bool IsFinished => Snapshot.FinishedAt is not null;

    /// <summary>Gets the execution itself when it runs on this host; <see langword="null"/> when another host runs it.</summary>
    public WorkflowExecution? Local { get; }
}
