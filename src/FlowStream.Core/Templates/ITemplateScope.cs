using System.Text.Json;

namespace FlowStream.Templates;

/// <summary>What templates can read: <c>$json</c>, <c>$input</c> and <c>$node["Name"]</c>.</summary>
internal interface ITemplateScope
{
    JsonElement Json { get; }

    JsonElement InputData { get; }

    bool TryGetNodeOutput(string nodeName, out JsonElement output);
}
