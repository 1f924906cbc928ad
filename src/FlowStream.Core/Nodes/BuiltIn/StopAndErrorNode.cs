using System.Text.Json;

namespace FlowStream.Nodes.BuiltIn;

/// <summary><c>stopAndError</c>: fails with its <c>message</c> parameter.</summary>
internal sealed class StopAndErrorNode : INodeHandler
{
    public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        var message = context.Parameters.TryGetProperty("message"u8, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
        return new(NodeResult.Failure(string.IsNullOrEmpty(message) ? $"Workflow stopped by node '{context.Node.Name}'." : message));
    }
}
