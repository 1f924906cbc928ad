using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowStream.AspNetCore.Internal;

/// <summary>The body of <c>POST {pattern}</c> and <c>POST {pattern}/stream</c>.</summary>
internal sealed class StartExecutionBody
{
    public string? FlowId { get; init; }

    /// <summary>An inline workflow, kept as JSON and read by <see cref="WorkflowDefinition.FromJson(ReadOnlySpan{byte})"/>: one parsing path for every workflow.</summary>
    public JsonElement? Workflow { get; init; }

    public JsonElement? InputData { get; init; }

    public string? Mode { get; init; }
}

/// <summary>The JSON of <c>GET {pattern}/{id}</c> (and of the 202 answers of start and control requests).</summary>
internal sealed class ExecutionSummary
{
    public long ExecutionId { get; init; }

    public required string WorkflowId { get; init; }

    public required string WorkflowName { get; init; }

    public required string Mode { get; init; }

    public ExecutionStatus Status { get; init; }

    public required string StartedAt { get; init; }

    public string? FinishedAt { get; init; }

    public long LastEventId { get; init; }

    public SummaryError? Error { get; init; }

    public required NodeSummary[] Nodes { get; init; }

    /// <summary>The execution token, in the 202 answer of <c>POST {pattern}</c> only.</summary>
    public string? AccessToken { get; init; }
}

internal sealed class NodeSummary
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public NodeExecutionStatus Status { get; init; }

    public int Attempts { get; init; }

    public string? StartedAt { get; init; }

    public string? FinishedAt { get; init; }

    public JsonElement? Output { get; init; }

    /// <summary>True when the output is larger than the event data limit: it is served by <c>GET {pattern}/{id}/nodes/{name}/output</c>.</summary>
    public bool? OutputTruncated { get; init; }

    public int? OutputBytes { get; init; }

    public SummaryError? Error { get; init; }
}

/// <summary>The optional body of <c>POST {pattern}/{id}/tokens</c>.</summary>
internal sealed class TokenRequestBody
{
    public double? ExpiresInSeconds { get; init; }
}

/// <summary>The answer of <c>POST {pattern}/{id}/tokens</c>.</summary>
internal sealed class TokenResponse
{
    public required string Token { get; init; }

    public required string ExpiresAt { get; init; }

    public long ExecutionId { get; init; }

    public required string Access { get; init; }
}

internal sealed class SummaryError
{
    public required string Message { get; init; }

    public string? NodeName { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(CamelCaseEnumConverter<ExecutionStatus>), typeof(CamelCaseEnumConverter<NodeExecutionStatus>)],
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(StartExecutionBody))]
[JsonSerializable(typeof(ExecutionSummary))]
[JsonSerializable(typeof(TokenRequestBody))]
[JsonSerializable(typeof(TokenResponse))]
internal sealed partial class HttpJsonContext : JsonSerializerContext;

/// <summary>Writes enum values as camelCase strings (<c>"running"</c>), as the events do.</summary>
internal sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
