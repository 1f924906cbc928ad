namespace FlowStream;

/// <summary>
/// What any host knows of an execution at once: who owns it, what it runs, its status and the last event in its log.
/// Its full state (every node, outputs included) is read only when asked for (<see cref="GetSnapshotAsync"/>), so checking
/// whether a caller may see an execution costs little. Returned by <see cref="IExecutionDirectory.FindAsync"/>.
/// </summary>
public sealed class ExecutionInfo
{
    private readonly Func<CancellationToken, ValueTask<ExecutionSnapshot>> _snapshot;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="executionId">The execution id.</param>
    /// <param name="workflowId">The workflow's id.</param>
    /// <param name="workflowName">The workflow's name, if it has one.</param>
    /// <param name="mode">The execution's mode.</param>
    /// <param name="ownerId">The user who started it; <see langword="null"/> for an anonymous caller.</param>
    /// <param name="status">Its status when it was found.</param>
    /// <param name="isFinished">Whether it had finished when it was found.</param>
    /// <param name="lastSequence">
    /// The sequence number of the last event in its log, read after <paramref name="isFinished"/> (so a finished execution's
    /// <c>executionFinished</c> is at or before it).
    /// </param>
    /// <param name="snapshot">Reads its full state.</param>
    /// <param name="local">The execution itself, when it runs on this host.</param>
    public ExecutionInfo(long executionId, string workflowId, string? workflowName, string mode, string? ownerId, ExecutionStatus status, bool isFinished, long lastSequence, Func<CancellationToken, ValueTask<ExecutionSnapshot>> snapshot, WorkflowExecution? local = null)
    {
        ArgumentNullException.ThrowIfNull(workflowId);
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(snapshot);
        ExecutionId = executionId;
        WorkflowId = workflowId;
        WorkflowName = workflowName;
        Mode = mode;
        OwnerId = ownerId;
        Status = status;
        IsFinished = isFinished;
        LastSequence = lastSequence;
        _snapshot = snapshot;
        Local = local;
    }

    /// <summary>Gets the execution id.</summary>
    public long ExecutionId { get; }

    /// <summary>Gets the workflow's id.</summary>
    public string WorkflowId { get; }

    /// <summary>Gets the workflow's name, if it has one.</summary>
    public string? WorkflowName { get; }

    /// <summary>Gets the execution's mode (<c>"manual"</c> unless the request said otherwise).</summary>
    public string Mode { get; }

    /// <summary>Gets the id of the user who started the execution, or <see langword="null"/> for an anonymous caller.</summary>
    public string? OwnerId { get; }

    /// <summary>Gets the execution's status when it was found.</summary>
    public ExecutionStatus Status { get; }

    /// <summary>Gets a value indicating whether the execution had finished when it was found.</summary>
    public bool IsFinished { get; }

    /// <summary>Gets the sequence number of the last event in the execution's log when it was found.</summary>
    public long LastSequence { get; }

    /// <summary>Gets the execution itself when it runs on this host; <see langword="null"/> when another host runs it.</summary>
    public WorkflowExecution? Local { get; }

    /// <summary>Describes an execution that runs on this host, from one snapshot of it.</summary>
    /// <param name="execution">The execution.</param>
    /// <returns>Its description; its status, end and last sequence are the snapshot's.</returns>
    public static ExecutionInfo FromLocal(WorkflowExecution execution)
    {
        ArgumentNullException.ThrowIfNull(execution);
        var snapshot = execution.GetSnapshot();
        return new ExecutionInfo(execution.Id, execution.Workflow.Id, execution.Workflow.Name, execution.Mode, execution.OwnerId, snapshot.Status, snapshot.FinishedAt is not null, snapshot.LastSequence, _ => new(snapshot), execution);
    }

    /// <summary>Reads the execution's full state: status, timestamps and every node, outputs included, taken together.</summary>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <returns>The snapshot. For an execution of this host, the one taken when it was found.</returns>
    /// <exception cref="ExecutionStoreUnavailableException">The shared store cannot be reached.</exception>
    public ValueTask<ExecutionSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default) => _snapshot(cancellationToken);
}
