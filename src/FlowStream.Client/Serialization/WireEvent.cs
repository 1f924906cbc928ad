using System.Text.Json;

namespace FlowStream.Client.Serialization;

/// <summary>The JSON of one SSE <c>data:</c> line: <c>{"type": ..., "data": {...}}</c>. Other top-level fields are ignored.</summary>
internal sealed class WireEvent
{
    public string? Type { get; init; }

    public JsonElement Data { get; init; }
}
