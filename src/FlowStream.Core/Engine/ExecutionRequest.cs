using System.Text.Json;

namespace FlowStream;

/// <summary>How to start an execution: its input data, mode, owner and limits.</summary>
public sealed class ExecutionRequest
{
    /// <summary>Gets the execution's input data (<c>$input</c>); an empty object when not set.</summary>
    public JsonElement InputData { get; init; }

    /// <summary>Gets the execution's mode, echoed in <c>executionStarted</c>. Default <c>"manual"</c>.</summary>
    public string Mode { get; init; } = "manual";

    /// <summary>Gets the id of the user who starts the execution, or <see langword="null"/> for an anonymous caller.</summary>
    public string? OwnerId { get; init; }

    /// <summary>
    /// Gets the key the per-owner quota (<c>FlowStreamOptions.MaxRunningExecutionsPerOwner</c>) counts this execution under;
    /// <see langword="null"/> counts it under <see cref="OwnerId"/>. The HTTP endpoints set it to the user id, or to
    /// <c>"anonymous:"</c> and the remote address for an anonymous caller, unless the host supplies its own key.
    /// </summary>
    public string? QuotaPartition { get; init; }

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
