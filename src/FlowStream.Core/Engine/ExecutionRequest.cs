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

    /// <summary>
    /// Gets the key the per-owner quota (<c>FlowStreamOptions.MaxRunningExecutionsPerOwner</c>) counts this execution under;
    /// <see langword="null"/> counts it under <see cref="OwnerId"/>. The HTTP endpoints set it to the user id, or to
    /// <c>"anonymous:"</c> and the remote address for an anonymous caller, unless the host supplies its own key.
    /// </summary>
    public string? QuotaPartition { get; init; }

    /// <summary>Gets how many nodes may run at once; overrides the workflow's settings and the options' default. At least 1.</summary>
    public int? MaxDegreeOfParallelism { get; init; }
}
