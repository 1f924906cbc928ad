using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowStream.Redis.Internal;

/// <summary>
/// An execution's summary as kept in Redis: field <c>summary</c> of the <c>:header</c> hash (small, rewritten with each batch)
/// and, written once, field <c>graph</c> (<see cref="Nodes"/> and <see cref="NodeTypes"/>, which never change).
/// </summary>
internal sealed class StoredHeader
{
    public long ExecutionId { get; set; }

    public string WorkflowId { get; set; } = "";

    public string? WorkflowName { get; set; }

    public string Mode { get; set; } = "manual";

    public string? OwnerId { get; set; }

    public string Instance { get; set; } = "";

    public ExecutionStatus Status { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public string? Error { get; set; }

    public string? FailedNodeName { get; set; }

    public int CompletedNodes { get; set; }

    public long LastSequence { get; set; }

    /// <summary>The node names in definition order (their states are in <c>:nodes</c>); only in the <c>graph</c> field.</summary>
    public List<string>? Nodes { get; set; }

    /// <summary>The node types, parallel to <see cref="Nodes"/>; only in the <c>graph</c> field.</summary>
    public List<string>? NodeTypes { get; set; }
}

/// <summary>One node's state as kept in Redis (a field of <c>:nodes</c>).</summary>
internal sealed class StoredNode
{
    public NodeExecutionStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public JsonElement? Output { get; set; }

    public string? Error { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredHeader))]
[JsonSerializable(typeof(StoredNode))]
internal sealed partial class StoredJsonContext : JsonSerializerContext;
