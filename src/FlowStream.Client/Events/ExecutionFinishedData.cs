namespace FlowStream.Client;

/// <summary>The data of an <see cref="ExecutionEventTypes.ExecutionFinished"/> event, the last event of every execution.</summary>
public sealed class ExecutionFinishedData
{
    /// <summary>Gets the execution's id.</summary>
    public long ExecutionId { get; init; }

    /// <summary>Gets how the execution ended: <c>success</c>, <c>error</c> or <c>canceled</c>.</summary>
    public string Status { get => field ?? string.Empty; init; }

    /// <summary>Gets when the execution finished (UTC).</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Gets how long the execution ran, in milliseconds.</summary>
    public long ExecutionTimeMs { get; init; }

    /// <summary>Gets the execution's error when <see cref="Status"/> is <c>error</c> (with the failed node's name); otherwise <see langword="null"/>.</summary>
    public ExecutionError? Error { get; init; }
}
