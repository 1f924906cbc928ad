using System.Text.Json.Serialization;

namespace FlowStream.Nodes.Gemini.Node;

/// <summary>The output of a <c>gemini</c> node: <c>{"response", "model", "usage", "finishReason"}</c>.</summary>
internal sealed class GeminiNodeOutput
{
    public required string Response { get; init; }

    public string? Model { get; init; }

    public required GeminiNodeUsage Usage { get; init; }

    public string? FinishReason { get; init; }
}

/// <summary>Token counts of a <c>gemini</c> node's output; <see langword="null"/> when the chat client did not report them.</summary>
internal sealed class GeminiNodeUsage
{
    public long? InputTokens { get; init; }

    public long? OutputTokens { get; init; }

    public long? TotalTokens { get; init; }
}

/// <summary>The data of a <c>nodeExecutionProgress</c> event: <c>{"delta": "..."}</c>.</summary>
internal sealed class GeminiNodeDelta
{
    public required string Delta { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GeminiNodeOutput))]
[JsonSerializable(typeof(GeminiNodeDelta))]
internal sealed partial class GeminiNodeJsonContext : JsonSerializerContext;
