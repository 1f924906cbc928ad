namespace FlowStream.Nodes.BuiltIn;

/// <summary><c>noOp</c>: passes its input through.</summary>
internal sealed class NoOpNode : INodeHandler
{
    public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
        => new(NodeResult.Success(context.Input));
}
