using System.Text.Json;

namespace FlowStream.Client;

/// <summary>The data of a <see cref="ExecutionEventTypes.NodeExecutionAfter"/> event: a node has finished.</summary>
public sealed class NodeExecutionAfterData
{
    /// <summary>Gets the execution's id.</summary>
    public long ExecutionId { get; init; }

    /// <summary>Gets the node's name.</summary>
    public string NodeName { get => field ?? string.Empty; init; }

    /// <summary>Gets the node's type.</summary>
    public string NodeType { get => field ?? string.Empty; init; }

    /// <summary>Gets how the node ended: <c>success</c>, <c>error</c>, <c>canceled</c> or <c>skipped</c>.</summary>
    public string Status { get => field ?? string.Empty; init; }

    /// <summary>
    /// Gets the node's output, or <see langword="null"/> when it has none (for example after an error) or when it was too large for the
    /// event (<see cref="DataTruncated"/>).
    /// </summary>
    public JsonElement? Data { get; init; }

    /// <summary>Gets the output the node's result left by, when not <c>main</c> (<c>"true"</c> of an <c>if</c>, say); <see langword="null"/> for <c>main</c>.</summary>
    public string? Output { get; init; }

    /// <summary>Gets every output the result left by, when there were several (a <c>switch</c> in <c>"all"</c> mode).</summary>
    public IReadOnlyList<string>? Outputs { get; init; }

    /// <summary>Gets why a skipped node was skipped: <c>disabled</c> or <c>branchNotTaken</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// Gets a value indicating whether the output was larger than the server's event data limit and left out of the event:
    /// <see cref="ExecutionStreamClient.GetNodeOutputAsync"/> reads it whole.
    /// </summary>
    public bool DataTruncated { get; init; }

    /// <summary>Gets the size of the output in bytes when <see cref="DataTruncated"/>; otherwise <see langword="null"/>.</summary>
    public long? DataBytes { get; init; }

    /// <summary>Gets the node's error when <see cref="Status"/> is <c>error</c>; otherwise <see langword="null"/>.</summary>
    public ExecutionError? Error { get; init; }

    /// <summary>Gets a value indicating whether the node failed but the execution went on because the node has <c>continueOnFail</c>.</summary>
    public bool ContinuedOnFail { get; init; }

    /// <summary>Gets the attempt that ended, from 1.</summary>
    public int Attempt { get; init; }

    /// <summary>Gets when the node finished (UTC).</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>Gets how long the node ran, in milliseconds.</summary>
    public long ExecutionTimeMs { get; init; }

    /// <summary>Gets how far the execution has come, or <see langword="null"/> if the server did not say.</summary>
    public ExecutionProgress? Progress { get; init; }

    /// <summary>Gets the server's estimate of the time the execution still needs, in milliseconds, when it has one.</summary>
    public long? EstimatedRemainingMs { get; init; }
}
