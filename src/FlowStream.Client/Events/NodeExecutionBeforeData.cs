namespace FlowStream.Client;

/// <summary>The data of a <see cref="ExecutionEventTypes.NodeExecutionBefore"/> event: a node starts.</summary>
public sealed class NodeExecutionBeforeData
{
    /// <summary>Gets the execution's id.</summary>
    public long ExecutionId { get; init; }

    /// <summary>Gets the node's name, unique within its workflow.</summary>
    public string NodeName { get => field ?? string.Empty; init; }

    /// <summary>Gets the node's type, for example <c>noOp</c>.</summary>
    public string NodeType { get => field ?? string.Empty; init; }

    /// <summary>Gets when the node started (UTC).</summary>
    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Gets the attempt that starts, from 1.</summary>
    public int Attempt { get; init; }
}
