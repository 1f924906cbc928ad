namespace FlowStream.Client;

/// <summary>The data of a <see cref="ExecutionEventTypes.NodeExecutionRetry"/> event: a node's attempt failed and it will be tried again.</summary>
public sealed class NodeExecutionRetryData
{
    /// <summary>Gets the execution's id.</summary>
    public long ExecutionId { get; init; }

    /// <summary>Gets the node's name.</summary>
    public string NodeName { get => field ?? string.Empty; init; }

    /// <summary>Gets the attempt that failed, from 1.</summary>
    public int Attempt { get; init; }

    /// <summary>Gets the error of the failed attempt, or <see langword="null"/> if the server sent none.</summary>
    public ExecutionError? Error { get; init; }

    /// <summary>Gets how long the node waits before its next attempt, in milliseconds.</summary>
    public long WaitMs { get; init; }
}
