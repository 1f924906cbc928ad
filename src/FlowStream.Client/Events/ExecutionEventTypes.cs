namespace FlowStream.Client;

/// <summary>The <c>type</c> values of execution events, as the server sends them.</summary>
/// <remarks>
/// The list is open: a newer server may send types that are not listed here. <see cref="ExecutionStreamClient"/> delivers
/// such events like any other (with their <see cref="ExecutionEvent.Type"/> and <see cref="ExecutionEvent.Data"/>), so
/// code that reads a stream should ignore the types it does not know.
/// </remarks>
public static class ExecutionEventTypes
{
    /// <summary>The first event of every execution (<see cref="ExecutionStartedData"/>).</summary>
    public const string ExecutionStarted = WireContract.WireNames.ExecutionStarted;

    /// <summary>A node starts (<see cref="NodeExecutionBeforeData"/>).</summary>
    public const string NodeExecutionBefore = WireContract.WireNames.NodeExecutionBefore;

    /// <summary>A node has finished: success, error, canceled or skipped (<see cref="NodeExecutionAfterData"/>).</summary>
    public const string NodeExecutionAfter = WireContract.WireNames.NodeExecutionAfter;

    /// <summary>A running node reported partial output, for example a text delta of a language model (<see cref="NodeExecutionProgressData"/>).</summary>
    public const string NodeExecutionProgress = WireContract.WireNames.NodeExecutionProgress;

    /// <summary>A node's attempt failed and it will be tried again (<see cref="NodeExecutionRetryData"/>).</summary>
    public const string NodeExecutionRetry = WireContract.WireNames.NodeExecutionRetry;

    /// <summary>The execution was paused: no new node starts until it is resumed (<see cref="ExecutionControlData"/>).</summary>
    public const string ExecutionPaused = WireContract.WireNames.ExecutionPaused;

    /// <summary>The execution was resumed (<see cref="ExecutionControlData"/>).</summary>
    public const string ExecutionResumed = WireContract.WireNames.ExecutionResumed;

    /// <summary>The last event of every execution, whatever happened (<see cref="ExecutionFinishedData"/>).</summary>
    public const string ExecutionFinished = WireContract.WireNames.ExecutionFinished;
}
