using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowStream.Client.Serialization;

/// <summary>Source-generated JSON metadata for the wire contract's payloads and the execution summary.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(WireEvent))]
[JsonSerializable(typeof(ExecutionStartedData))]
[JsonSerializable(typeof(NodeExecutionBeforeData))]
[JsonSerializable(typeof(NodeExecutionAfterData))]
[JsonSerializable(typeof(NodeExecutionProgressData))]
[JsonSerializable(typeof(NodeExecutionRetryData))]
[JsonSerializable(typeof(ExecutionControlData))]
[JsonSerializable(typeof(ExecutionFinishedData))]
[JsonSerializable(typeof(ExecutionSummary))]
[JsonSerializable(typeof(ExecutionShareToken))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
