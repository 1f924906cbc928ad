namespace FlowStream.Client;

/// <summary>The data of an <see cref="ExecutionEventTypes.ExecutionStarted"/> event.</summary>
public sealed class ExecutionStartedData
{
    /// <summary>Gets the execution's id.</summary>
    public long ExecutionId { get; init; }

    /// <summary>Gets the execution mode, <c>manual</c> unless the request said otherwise.</summary>
    public string Mode { get => field ?? string.Empty; init; }

    /// <summary>Gets the id of the workflow that runs.</summary>
    public string WorkflowId { get => field ?? string.Empty; init; }

    /// <summary>Gets the name of the workflow that runs.</summary>
    public string WorkflowName { get => field ?? string.Empty; init; }

    /// <summary>Gets when the execution started (UTC).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets the number of nodes of the workflow.</summary>
    public int TotalNodes { get; init; }

    /// <summary>Gets the execution that started this one (an <c>executeWorkflow</c> node), if any.</summary>
    public long? ParentExecutionId { get; init; }

    /// <summary>Gets the parent's node that started this execution, if any.</summary>
    public string? ParentNodeName { get; init; }
}
