using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowStream.AspNetCore.Internal;

/// <summary>The body of <c>POST {pattern}</c> and <c>POST {pattern}/stream</c>.</summary>
internal sealed class StartExecutionBody
{
    public string? FlowId { get; init; }

    public WorkflowDefinition? Workflow { get; init; }

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

    public SummaryError? Error { get; init; }
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
internal sealed partial class HttpJsonContext : JsonSerializerContext;

/// <summary>Writes enum values as camelCase strings (<c>"running"</c>), as the events do.</summary>
internal sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
