using System.Diagnostics.CodeAnalysis;

namespace FlowStream;

/// <summary>
/// Validates and runs workflows, and keeps the registry of running and recently finished executions.
/// Registered as a singleton by <c>services.AddFlowStream()</c>.
/// </summary>
public interface IWorkflowEngine
{
    /// <summary>Checks a workflow without running it.</summary>
    /// <param name="workflow">The workflow.</param>
    /// <returns>Every problem found; empty when the workflow can run.</returns>
    IReadOnlyList<WorkflowValidationProblem> Validate(WorkflowDefinition workflow);

    /// <summary>
    /// Validates a workflow and starts executing it. <c>executionStarted</c> is published before this method returns, so a
    /// subscription from sequence 0 sees every event.
    /// </summary>
    /// <param name="workflow">The workflow.</param>
    /// <param name="request">Input data, mode, owner and parallelism; <see langword="null"/> for the defaults.</param>
    /// <returns>The running execution.</returns>
    /// <exception cref="WorkflowValidationException">The workflow cannot run; nothing was started.</exception>
    /// <exception cref="ObjectDisposedException">The engine is shutting down.</exception>
    /// <exception cref="ExecutionQuotaExceededException">Too many executions are running on this host or for this owner; nothing was started.</exception>
    /// <exception cref="ExecutionStoreUnavailableException">The store executions are shared through cannot be reached; nothing was started.</exception>
    WorkflowExecution Start(WorkflowDefinition workflow, ExecutionRequest? request = null);

    /// <summary>Looks up a running or recently finished execution.</summary>
    /// <param name="executionId">The execution id.</param>
    /// <param name="execution">The execution, when found.</param>
    /// <returns><see langword="true"/> if the execution is known (not evicted).</returns>
    bool TryGetExecution(long executionId, [NotNullWhen(true)] out WorkflowExecution? execution);

    /// <summary>Lists the running and recently finished executions, oldest first.</summary>
    /// <returns>A snapshot of the registry.</returns>
    IReadOnlyList<WorkflowExecution> ListExecutions();

    /// <summary>
    /// Replays the events of an execution after <paramref name="afterSequence"/>, then follows it live until <c>executionFinished</c>.
    /// </summary>
    /// <param name="executionId">The execution.</param>
    /// <param name="afterSequence">The last sequence number already seen; 0 for everything.</param>
    /// <param name="cancellationToken">Ends the subscription (not the execution).</param>
    /// <returns>The events, in sequence order.</returns>
    /// <exception cref="ExecutionEventsUnavailableException">An event the subscriber needs has left the retention window (thrown by the enumeration).</exception>
    IAsyncEnumerable<ExecutionEvent> SubscribeAsync(long executionId, long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a workflow and yields all its events, from <c>executionStarted</c> to <c>executionFinished</c>
    /// (the counterpart of the seed's <c>execute_with_events</c>).
    /// </summary>
    /// <param name="workflow">The workflow.</param>
    /// <param name="request">Input data, mode, owner and parallelism; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">
    /// Cancels the execution. The enumeration then goes on to the execution's <c>executionFinished</c> event (status <c>canceled</c>),
    /// so the caller always sees how it ended. Leaving the loop early also cancels the execution.
    /// </param>
    /// <returns>The events, in sequence order.</returns>
    /// <exception cref="WorkflowValidationException">The workflow cannot run (thrown by the enumeration, before any event).</exception>
    IAsyncEnumerable<ExecutionEvent> RunWithEventsAsync(WorkflowDefinition workflow, ExecutionRequest? request = null, CancellationToken cancellationToken = default);
}
