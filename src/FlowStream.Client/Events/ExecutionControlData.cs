namespace FlowStream.Client;

/// <summary>The data of an <see cref="ExecutionEventTypes.ExecutionPaused"/> or <see cref="ExecutionEventTypes.ExecutionResumed"/> event.</summary>
public sealed class ExecutionControlData
{
    /// <summary>Gets the execution's id.</summary>
    public long ExecutionId { get; init; }
}
