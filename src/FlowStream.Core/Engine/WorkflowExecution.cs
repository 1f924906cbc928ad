using System.Text.Json;
using FlowStream.Engine;

namespace FlowStream;

/// <summary>A running or recently finished execution of a workflow: its status, its nodes' states, and control.</summary>
public sealed class WorkflowExecution
{
    private readonly ExecutionRun _run;

    internal WorkflowExecution(ExecutionRun run) => _run = run;

    /// <summary>Gets the execution's id: a positive integer no larger than 2^53 − 1, unique across process restarts.</summary>
    public long Id => _run.ExecutionId;

    /// <summary>Gets the workflow being run.</summary>
    public WorkflowDefinition Workflow => _run.Graph.Definition;

    /// <summary>Gets the execution's mode (<c>"manual"</c> unless the request said otherwise).</summary>
    public string Mode => _run.Request.Mode;

    /// <summary>Gets the id of the user who started the execution, or <see langword="null"/> for an anonymous caller.</summary>
    public string? OwnerId => _run.Request.OwnerId;

    /// <summary>Gets the execution that started this one as a child, if any.</summary>
    public long? ParentExecutionId => _run.Request.ParentExecutionId;

    /// <summary>Gets the parent's node that started this execution, if any.</summary>
    public string? ParentNodeName => _run.Request.ParentNodeName;

    /// <summary>Gets the execution's input data (<c>$input</c>).</summary>
    public JsonElement InputData => _run.InputData;

    /// <summary>Gets the execution's status.</summary>
    public ExecutionStatus Status => _run.State.Status.Status;

    /// <summary>Gets a value indicating whether the execution has finished: <c>executionFinished</c> is published and its services are disposed.</summary>
    public bool IsFinished => _run.Completion.IsCompleted;

    /// <summary>Gets how many nodes may run at once.</summary>
    public int MaxDegreeOfParallelism => _run.MaxDegreeOfParallelism;

    /// <summary>Gets when the execution started.</summary>
    public DateTimeOffset StartedAt => _run.State.StartedAt;

    /// <summary>Gets when the execution finished, if it has.</summary>
    public DateTimeOffset? FinishedAt => _run.State.Status.FinishedAt;

    /// <summary>Gets the error that failed the execution, when its status is <see cref="ExecutionStatus.Error"/>.</summary>
    public string? ErrorMessage => _run.State.Status.ErrorMessage;

    /// <summary>Gets a task that completes with the final status once <c>executionFinished</c> is published and the execution's services are disposed.</summary>
    public Task<ExecutionStatus> Completion => _run.Completion;

    /// <summary>Gets the execution's state, status and nodes taken together (see <see cref="ExecutionSnapshot"/>).</summary>
    /// <returns>The snapshot.</returns>
    public ExecutionSnapshot GetSnapshot() => _run.GetSnapshot();

    /// <summary>Gets a snapshot of every node's state, in definition order.</summary>
    /// <returns>The states.</returns>
    public IReadOnlyList<NodeExecutionState> GetNodeStates() => _run.GetSnapshot().Nodes;

    /// <summary>Gets a finished node's whole output (also when its event carried only <c>dataTruncated</c>).</summary>
    /// <param name="nodeName">The node.</param>
    /// <param name="output">Its output.</param>
    /// <returns><see langword="true"/> when the node has finished with an output.</returns>
    public bool TryGetNodeOutput(string nodeName, out JsonElement output) => _run.TryGetNodeOutput(nodeName, out output);

    /// <summary>Cancels the execution: running nodes' tokens fire, nothing new starts, it finishes <c>canceled</c>. Child executions are canceled too.</summary>
    /// <returns><see langword="false"/> when the execution has already finished.</returns>
    public bool Cancel() => _run.Cancel();

    /// <summary>Pauses the execution: no node starts until <see cref="Resume"/>; running nodes finish. Child executions pause too.</summary>
    /// <returns><see langword="false"/> when the execution has already finished.</returns>
    public bool Pause() => _run.Pause();

    /// <summary>Resumes a paused execution.</summary>
    /// <returns><see langword="false"/> when the execution has already finished.</returns>
    public bool Resume() => _run.Resume();

    /// <summary>
    /// Ends the execution with status <c>error</c> and <paramref name="errorMessage"/>, the way
    /// <see cref="FlowStreamOptions.MaxExecutionDuration"/> does: running nodes' tokens fire, nothing new starts, and
    /// <c>executionFinished</c> carries the message. For hosts and backplanes that must stop an execution for a reason of their own.
    /// </summary>
    /// <param name="errorMessage">Why the execution failed; it goes out in <c>executionFinished</c>.</param>
    /// <returns><see langword="false"/> when the execution has already finished.</returns>
    public bool Fail(string errorMessage)
    {
        ArgumentException.ThrowIfNullOrEmpty(errorMessage);
        return _run.Abort(errorMessage);
    }

    /// <inheritdoc />
    public override string ToString() => $"Execution {Id} of '{Workflow.Id}': {Status}";
}
