using System.Text.Json;

namespace FlowStream;

/// <summary>
/// A running or recently finished execution of a workflow: its status, its nodes, its events, and the controls
/// to cancel, pause and resume it. Get one from <see cref="IWorkflowEngine.Start"/> or <see cref="IWorkflowEngine.TryGetExecution"/>.
/// </summary>
public sealed class WorkflowExecution
{
    private readonly Engine.ExecutionRunner _runner;

    internal WorkflowExecution(Engine.ExecutionRunner runner, WorkflowDefinition workflow, ExecutionRequest request)
    {
        _runner = runner;
        Workflow = workflow;
        Mode = request.Mode;
        OwnerId = request.OwnerId;
    }

    /// <summary>Gets the execution id: positive, at most 2^53 − 1, unique across process restarts.</summary>
    public long Id => _runner.ExecutionId;

    /// <summary>Gets the workflow being executed.</summary>
    public WorkflowDefinition Workflow { get; }

    /// <summary>Gets the execution mode (<c>"manual"</c> unless the request said otherwise).</summary>
    public string Mode { get; }

    /// <summary>Gets the id of the user who owns the execution, or <see langword="null"/> when it is anonymous.</summary>
    public string? OwnerId { get; }

    /// <summary>Gets the execution's input data.</summary>
    public JsonElement InputData => _runner.InputData;

    /// <summary>Gets the current status.</summary>
    public ExecutionStatus Status => _runner.Status;

    /// <summary>Gets a value indicating whether the execution has finished (its <c>executionFinished</c> event is published).</summary>
    public bool IsFinished => _runner.Completion.IsCompleted;

    /// <summary>Gets how many nodes may run at once.</summary>
    public int MaxDegreeOfParallelism => _runner.MaxDegreeOfParallelism;

    /// <summary>Gets when the execution started.</summary>
    public DateTimeOffset StartedAt => _runner.StartedAt;

    /// <summary>Gets when the execution finished, if it has.</summary>
    public DateTimeOffset? FinishedAt => _runner.FinishedAt;

    /// <summary>Gets the error that failed the execution, when its status is <see cref="ExecutionStatus.Error"/>.</summary>
    public string? ErrorMessage => _runner.ErrorMessage;

    /// <summary>Gets a task that completes with the final status once <c>executionFinished</c> has been published. It never faults.</summary>
    public Task<ExecutionStatus> Completion => _runner.Completion;

    /// <summary>Gets a snapshot of every node's state, in definition order.</summary>
    /// <returns>The node states.</returns>
    public IReadOnlyList<NodeExecutionState> GetNodeStates() => _runner.GetNodeStates();

    /// <summary>Cancels the execution: running nodes see their token fire, no new node starts, and it finishes <see cref="ExecutionStatus.Canceled"/>.</summary>
    /// <returns><see langword="false"/> if the execution had already finished.</returns>
    public bool Cancel() => _runner.Cancel();

    /// <summary>Pauses the execution: running nodes finish, no new node starts until <see cref="Resume"/>. Publishes <c>executionPaused</c>.</summary>
    /// <returns><see langword="false"/> if the execution had already finished.</returns>
    public bool Pause() => _runner.Pause();

    /// <summary>Resumes a paused execution. Publishes <c>executionResumed</c>.</summary>
    /// <returns><see langword="false"/> if the execution had already finished.</returns>
    public bool Resume() => _runner.Resume();

    internal Engine.ExecutionRunner Runner => _runner;

    /// <inheritdoc />
    public override string ToString() => $"Execution {Id} of '{Workflow.Id}': {Status}";
}
