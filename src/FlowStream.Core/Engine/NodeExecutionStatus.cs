namespace FlowStream;

/// <summary>The state of one node within an execution.</summary>
public enum NodeExecutionStatus
{
    /// <summary>Not started yet.</summary>
    Pending,

    /// <summary>Running (including waits between retries).</summary>
    Running,

    /// <summary>Succeeded.</summary>
    Success,

    /// <summary>Failed after its retries (with <c>continueOnFail</c> the graph went on).</summary>
    Error,

    /// <summary>Was running when the execution was canceled.</summary>
    Canceled,

    /// <summary>Did not run: disabled, or the execution ended (failure, cancellation) before it could start.</summary>
    Skipped,
}
