using System.Text.Json;

namespace FlowStream;

/// <summary>What to start an execution with, besides the workflow.</summary>
public sealed class ExecutionRequest
{
    /// <summary>Gets the execution's input data: what <c>manualTrigger</c> outputs and <c>{{ $input }}</c> reads. Undefined means <c>{}</c>.</summary>
    public JsonElement InputData { get; init; }

    /// <summary>Gets the execution mode reported in <c>executionStarted</c>. Default <c>"manual"</c>.</summary>
    public string Mode { get; init; } = "manual";

    /// <summary>Gets the id of the user who owns the execution, or <see langword="null"/> for an anonymous execution.</summary>
    public string? OwnerId { get; init; }

    /// <summary>Gets how many nodes may run at once; overrides the workflow's settings and the options' default. At least 1.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>
    /// Gets the id of the execution this one was started from (by an <c>executeWorkflow</c> node), or <see langword="null"/> for a
    /// top-level execution. Carried in <c>executionStarted</c> as <c>parentExecutionId</c>; canceling or pausing the parent reaches this one.
    /// </summary>
    public long? ParentExecutionId { get; init; }

    /// <summary>Gets the name of the parent execution's node that started this one (<c>parentNodeName</c> in <c>executionStarted</c>), or <see langword="null"/>.</summary>
    public string? ParentNodeName { get; init; }
}
