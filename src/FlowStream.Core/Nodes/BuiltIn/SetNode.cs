using System.Text.Json;
using FlowStream.Serialization;

namespace FlowStream.Nodes.BuiltIn;

/// <summary><c>set</c>: outputs its <c>values</c> parameter (templated) merged over its input.</summary>
internal sealed class SetNode : INodeHandler
{
    public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        if (!context.Parameters.TryGetProperty("values"u8, out var values) || values.ValueKind == JsonValueKind.Null)
        {
            return new(NodeResult.Success(context.Input));
        }

        if (values.ValueKind != JsonValueKind.Object)
        {
            return new(NodeResult.Failure($"Parameter 'values' of node '{context.Node.Name}' must be an object, not {values.ValueKind}."));
        }

        return new(NodeResult.Success(context.Input.ValueKind == JsonValueKind.Object
            ? JsonMerge.MergeObjects([context.Input, values])
            : values));
    }
}
