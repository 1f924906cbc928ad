using System.Text.Json;

namespace FlowStream.Client;

/// <summary>The data of a <see cref="ExecutionEventTypes.NodeExecutionProgress"/> event: a running node reported partial output.</summary>
public sealed class NodeExecutionProgressData
{
    /// <summary>Gets the execution's id.</summary>
    public long ExecutionId { get; init; }

    /// <summary>Gets the node's name.</summary>
    public string NodeName { get => field ?? string.Empty; init; }

    /// <summary>Gets the partial output, for example <c>{"delta": "..."}</c> for a language model's text.</summary>
    public JsonElement Data { get; init; }
}
