using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowStream.Serialization;

/// <summary>Source-generated JSON metadata for the workflow model and the event payloads.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(WorkflowDefinition))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
internal sealed partial class FlowStreamJsonContext : JsonSerializerContext
{
    private static FlowStreamJsonContext? s_indented;

    /// <summary>Gets a context that writes indented JSON.</summary>
    public static FlowStreamJsonContext Indented => s_indented ??= new FlowStreamJsonContext(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}
