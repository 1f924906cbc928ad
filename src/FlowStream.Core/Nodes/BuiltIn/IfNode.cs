using FlowStream.Nodes.BuiltIn.Conditions;
using Microsoft.Extensions.Options;

namespace FlowStream.Nodes.BuiltIn;

/// <summary>
/// <c>if</c>: evaluates <c>conditions</c> (combined by <c>combinator</c>, <c>and</c> by default) and leaves by <c>true</c> or <c>false</c>,
/// passing its input through. See <see cref="ConditionEvaluator"/> for the operators.
/// </summary>
internal sealed class IfNode(IOptions<FlowStreamOptions> options) : INodeHandler
{
    public static readonly string[] Outputs = [NodeOutputs.True, NodeOutputs.False];

    public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            var holds = ConditionEvaluator.Evaluate(context.Parameters, $"node '{context.Node.Name}'", options.Value.RegexMatchTimeout);
            return new(NodeResult.Success(context.Input, holds ? NodeOutputs.True : NodeOutputs.False));
        }
        catch (ConditionException ex)
        {
            return new(NodeResult.Failure(ex.Message));
        }
    }
}
