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

/// <summary>The data of a <c>nodeExecutionProgress</c> event for a retry of the chat client: <c>{"retry": {...}}</c>.</summary>
internal sealed class GeminiNodeRetryProgress
{
    public required GeminiNodeRetry Retry { get; init; }
}

/// <summary>One retry: the attempt that failed, the attempts allowed, the wait before the next one, and the failure.</summary>
internal sealed class GeminiNodeRetry
{
    public required int Attempt { get; init; }

    public required int MaxAttempts { get; init; }

    public required long WaitMs { get; init; }

    public required string Reason { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GeminiNodeOutput))]
[JsonSerializable(typeof(GeminiNodeDelta))]
[JsonSerializable(typeof(GeminiNodeRetryProgress))]
internal sealed partial class GeminiNodeJsonContext : JsonSerializerContext;
