using System.Buffers;
using System.Text.Json;
using FlowStream.Serialization;

namespace FlowStream.Nodes.BuiltIn;

/// <summary>
/// <c>merge</c>: joins what arrived from its inputs (<see cref="NodeExecutionContext.PredecessorOutputs"/>, in connection order; skipped
/// inputs and outputs that were not taken carry nothing). <c>"mode": "append"</c> (the default) outputs an array of the inputs;
/// <c>"combine"</c> merges the object inputs, later ones winning; <c>"chooseBranch"</c> outputs the input from the node named by <c>branch</c>.
/// </summary>
internal sealed class MergeNode : INodeHandler
{
    public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        var where = $"node '{context.Node.Name}'";
        var mode = context.Parameters.TryGetProperty("mode"u8, out var modeValue) && modeValue.ValueKind == JsonValueKind.String
            ? modeValue.GetString()
            : modeValue.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? "append" : null;
        var inputs = context.PredecessorOutputs;
        switch (mode)
        {
            case "append":
                return new(NodeResult.Success(Append(inputs.Values)));
            case "combine":
                return new(NodeResult.Success(JsonMerge.MergeObjects([.. inputs.Values])));
            case "chooseBranch":
                if (!context.Parameters.TryGetProperty("branch"u8, out var branch) || branch.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(branch.GetString()))
                {
                    return new(NodeResult.Failure($"Parameter 'branch' of {where} must name the input node to choose (mode \"chooseBranch\")."));
                }

                var name = branch.GetString()!;
                return new(inputs.TryGetValue(name, out var chosen)
                    ? NodeResult.Success(chosen)
                    : NodeResult.Failure($"Branch '{name}' chosen by {where} brought nothing: it is not an input of the node, or it was skipped or took another output (inputs that arrived: {(inputs.Count == 0 ? "none" : string.Join(", ", inputs.Keys.Select(k => $"'{k}'")))})."));
            default:
                return new(NodeResult.Failure($"Parameter 'mode' of {where} must be \"append\", \"combine\" or \"chooseBranch\"."));
        }
    }

    private static JsonElement Append(IEnumerable<JsonElement> values)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                value.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, FlowStreamJsonContext.Default.JsonElement);
    }
}
