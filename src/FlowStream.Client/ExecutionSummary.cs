namespace FlowStream.Client;

/// <summary>
/// The state of an execution as <c>GET {base}/{id}</c> reports it; also the body of the answers to start, cancel, pause
/// and resume.
/// </summary>
/// <remarks>Fields the server adds later are ignored; a field it leaves out keeps its default value.</remarks>
public sealed class ExecutionSummary
{
    /// <summary>Gets the execution's id.</summary>
    public long ExecutionId { get; init; }

    /// <summary>Gets the id of the workflow the execution runs.</summary>
    public string WorkflowId { get => field ?? string.Empty; init; }

    /// <summary>Gets the name of the workflow the execution runs.</summary>
    public string WorkflowName { get => field ?? string.Empty; init; }

    /// <summary>Gets the execution mode, <c>manual</c> unless the request said otherwise.</summary>
    public string Mode { get => field ?? string.Empty; init; }

    /// <summary>Gets the execution's status: <c>running</c>, <c>paused</c>, <c>success</c>, <c>error</c> or <c>canceled</c>.</summary>
    public string Status { get => field ?? string.Empty; init; }

    /// <summary>Gets when the execution started (UTC).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets when the execution finished (UTC), or <see langword="null"/> while it runs.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the id of the execution's latest event: <see cref="ExecutionStreamClient.AttachAsync"/> from it reads only newer events.</summary>
    public long LastEventId { get; init; }

    /// <summary>Gets the execution's error when <see cref="Status"/> is <c>error</c>; otherwise <see langword="null"/>.</summary>
    public ExecutionError? Error { get; init; }

    /// <summary>Gets the state of each node of the workflow, in the workflow's order.</summary>
    public IReadOnlyList<ExecutionNodeSummary> Nodes { get => field ?? []; init; }

    /// <summary>
    /// Gets the execution token the server gave the starter (in the answer of <see cref="ExecutionStreamClient.StartAsync"/> only): it
    /// reads and controls this one execution. The client keeps it and sends it on later requests for the execution by itself.
    /// </summary>
    public string? AccessToken { get; init; }
}
