using System.Text.Json;

namespace FlowStream.Engine;

/// <summary>How a node's attempts ended.</summary>
internal readonly record struct NodeOutcome(NodeExecutionStatus Status, JsonElement? Output, string? ErrorMessage, string[]? Outputs)
{
    public static NodeOutcome Error(string message) => new(NodeExecutionStatus.Error, null, message, null);

    public static NodeOutcome Canceled(string nodeName) => new(NodeExecutionStatus.Canceled, null, $"Node '{nodeName}' was canceled.", null);
}
