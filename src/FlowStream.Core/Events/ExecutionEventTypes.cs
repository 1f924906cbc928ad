using FlowStream.WireContract;

namespace FlowStream;

/// <summary>The <c>type</c> values of execution events (DESIGN.md, "Wire contract").</summary>
/// <remarks>Clients must ignore types they do not know: new types may be added.</remarks>
public static class ExecutionEventTypes
{
    /// <summary>The first event of every execution.</summary>
    public const string ExecutionStarted = WireNames.ExecutionStarted;

    /// <summary>A node starts (once per node, before its first attempt), or is about to be skipped.</summary>
    public const string NodeExecutionBefore = WireNames.NodeExecutionBefore;

    /// <summary>A node has finished: success, error, canceled, or skipped (disabled, or on a branch not taken).</summary>
    public const string NodeExecutionAfter = WireNames.NodeExecutionAfter;

    /// <summary>A running node reported partial output (for example a text delta of a language model).</summary>
    public const string NodeExecutionProgress = WireNames.NodeExecutionProgress;

    /// <summary>A node's attempt failed and it will be tried again after <c>waitMs</c>.</summary>
    public const string NodeExecutionRetry = WireNames.NodeExecutionRetry;

    /// <summary>The execution was paused: no new node starts until it is resumed.</summary>
    public const string ExecutionPaused = WireNames.ExecutionPaused;

    /// <summary>The execution was resumed.</summary>
    public const string ExecutionResumed = WireNames.ExecutionResumed;

    /// <summary>The last event of every execution, whatever happened.</summary>
    public const string ExecutionFinished = WireNames.ExecutionFinished;
}
