using System.Text.Json;

namespace FlowStream.Client;

/// <summary>The state of one node in an <see cref="ExecutionSummary"/>.</summary>
public sealed class ExecutionNodeSummary
{
    /// <summary>Gets the node's name.</summary>
    public string Name { get => field ?? string.Empty; init; }

    /// <summary>Gets the node's type.</summary>
    public string Type { get => field ?? string.Empty; init; }

    /// <summary>Gets the node's status: <c>pending</c>, <c>running</c>, <c>success</c>, <c>error</c>, <c>canceled</c> or <c>skipped</c>.</summary>
    public string Status { get => field ?? string.Empty; init; }

    /// <summary>Gets how many attempts the node has made so far (0 while pending).</summary>
    public int Attempts { get; init; }

    /// <summary>Gets when the node started (UTC), or <see langword="null"/> if it has not.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the node finished (UTC), or <see langword="null"/> if it has not.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Gets the node's output once it succeeded; otherwise <see langword="null"/>.</summary>
    public JsonElement? Output { get; init; }

    /// <summary>
    /// Gets a value indicating whether the output was too large for the summary and left out of it:
    /// <see cref="ExecutionStreamClient.GetNodeOutputAsync"/> reads it whole.
    /// </summary>
    public bool OutputTruncated { get; init; }

    /// <summary>Gets the size of the output in bytes when <see cref="OutputTruncated"/>; otherwise <see langword="null"/>.</summary>
    public long? OutputBytes { get; init; }

    /// <summary>Gets the node's error when it failed; otherwise <see langword="null"/>.</summary>
    public ExecutionError? Error { get; init; }
}
