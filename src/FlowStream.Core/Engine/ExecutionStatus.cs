namespace FlowStream;

/// <summary>The state of an execution.</summary>
public enum ExecutionStatus
{
    /// <summary>Nodes are running or about to.</summary>
    Running,

    /// <summary>Paused: running nodes finish, no new node starts until it is resumed.</summary>
    Paused,

    /// <summary>Finished: every node that ran succeeded (or failed with <c>continueOnFail</c>).</summary>
    Success,

    /// <summary>Finished: a node failed after its retries.</summary>
    Error,

    /// <summary>Finished: canceled before it could complete.</summary>
    Canceled,
}
