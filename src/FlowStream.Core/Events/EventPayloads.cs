using System.Text.Json;

namespace FlowStream.Events;

// The data objects of the wire contract (DESIGN.md, "Wire contract"). Declaration order is wire order.
// Fields may be added, never removed or renamed: clients we do not control read them.

internal sealed class ExecutionStartedData
{
    public long ExecutionId { get; init; }
    public required string Mode { get; init; }
    public required string WorkflowId { get; init; }
    public required string WorkflowName { get; init; }
    public required string StartedAt { get; init; }
    public int TotalNodes { get; init; }
}

internal sealed class NodeExecutionBeforeData
{
    public long ExecutionId { get; init; }
    public required string NodeName { get; init; }
    public required string NodeType { get; init; }
    public required string StartedAt { get; init; }
    public int Attempt { get; init; }
}

internal sealed class NodeExecutionAfterData
{
    public long ExecutionId { get; init; }
    public required string NodeName { get; init; }
    public required string NodeType { get; init; }
    public required string Status { get; init; }
    public JsonElement? Data { get; init; }
    public ErrorData? Error { get; init; }
    public bool? ContinuedOnFail { get; init; }
    public int Attempt { get; init; }
    public required string FinishedAt { get; init; }
    public long ExecutionTimeMs { get; init; }
    public required ProgressData Progress { get; init; }
    public long? EstimatedRemainingMs { get; init; }
}

internal sealed class NodeExecutionProgressData
{
    public long ExecutionId { get; init; }
    public required string NodeName { get; init; }
    public JsonElement Data { get; init; }
}

internal sealed class NodeExecutionRetryData
{
    public long ExecutionId { get; init; }
    public required string NodeName { get; init; }
    public int Attempt { get; init; }
    public required ErrorData Error { get; init; }
    public long WaitMs { get; init; }
}

internal sealed class ExecutionFinishedData
{
    public long ExecutionId { get; init; }
    public required string Status { get; init; }
    public required string FinishedAt { get; init; }
    public long ExecutionTimeMs { get; init; }
    public ErrorData? Error { get; init; }
}

internal sealed class ExecutionControlData
{
    public long ExecutionId { get; init; }
}

internal sealed class ErrorData
{
    public required string Message { get; init; }
    public string? NodeName { get; init; }
}

internal readonly record struct ProgressData(int Completed, int Total, int Percent);

internal sealed class ErrorOutputData
{
    public required ErrorData Error { get; init; }
}
