using System.Globalization;
using System.Text.Json;
using FlowStream.Nodes.BuiltIn.Conditions;
using Microsoft.Extensions.Options;

namespace FlowStream.Nodes.BuiltIn;

/// <summary>
/// <c>switch</c>: <c>{"rules": [{"output": "big", "conditions": [...], "combinator": "and"}], "mode": "first"}</c>. Leaves by the output of the
/// first rule whose conditions hold (every such rule with <c>"mode": "all"</c>), else by <c>fallback</c>, passing its input through.
/// A rule's output is its <c>output</c> as written (templates in it are not resolved), else its index from 0 (<c>"0"</c>, <c>"1"</c>, ...).
/// </summary>
internal sealed class SwitchNode(IOptions<FlowStreamOptions> options) : INodeHandler
{
    /// <summary>The outputs of a <c>switch</c> node, from its (unresolved) parameters: one per rule, then <c>fallback</c>.</summary>
    public static IEnumerable<string> GetOutputs(NodeDefinition node)
    {
        if (node.Parameters.ValueKind == JsonValueKind.Object && node.Parameters.TryGetProperty("rules"u8, out var rules) && rules.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var rule in rules.EnumerateArray())
            {
                yield return OutputOf(rule, index++);
            }
        }

        yield return NodeOutputs.Fallback;
    }

    public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        var where = $"node '{context.Node.Name}'";
        if (!context.Parameters.TryGetProperty("rules"u8, out var rules) || rules.ValueKind != JsonValueKind.Array)
        {
            return new(NodeResult.Failure($"Parameter 'rules' of {where} must be an array of {{\"output\", \"conditions\", \"combinator\"}} objects."));
        }

        bool all;
        if (!context.Parameters.TryGetProperty("mode"u8, out var mode) || mode.ValueKind == JsonValueKind.Null)
        {
            all = false;
        }
        else if (mode.ValueKind == JsonValueKind.String && mode.GetString() is "first" or "all")
        {
            all = mode.GetString() == "all";
        }
        else
        {
            return new(NodeResult.Failure($"Parameter 'mode' of {where} must be \"first\" or \"all\"."));
        }

        // Output names come from the parameters as written (not templated), as validation saw them.
        var names = GetOutputs(context.Node).ToArray();
        var taken = new List<string>();
        var index = 0;
        try
        {
            foreach (var rule in rules.EnumerateArray())
            {
                var output = index < names.Length - 1 ? names[index] : OutputOf(rule, index);
                if (ConditionEvaluator.Evaluate(rule, $"rule {index} ('{output}') of {where}", options.Value.RegexMatchTimeout))
                {
                    taken.Add(output);
                    if (!all)
                    {
                        break;
                    }
                }

                index++;
            }
        }
        catch (ConditionException ex)
        {
            return new(NodeResult.Failure(ex.Message));
        }

        return new(taken.Count == 0
            ? NodeResult.Success(context.Input, NodeOutputs.Fallback)
            : NodeResult.Success(context.Input, taken));
    }

    private static string OutputOf(JsonElement rule, int index)
        => rule.ValueKind == JsonValueKind.Object && rule.TryGetProperty("output"u8, out var output)
            && output.ValueKind == JsonValueKind.String && output.GetString() is { Length: > 0 } name
            ? name
            : index.ToString(CultureInfo.InvariantCulture);
}
