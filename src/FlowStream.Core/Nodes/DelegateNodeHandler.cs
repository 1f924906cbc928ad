namespace FlowStream.Nodes;

/// <summary>A handler made from a delegate, for small inline nodes.</summary>
internal sealed class DelegateNodeHandler(Func<NodeExecutionContext, CancellationToken, ValueTask<NodeResult>> execute) : INodeHandler
{
    public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken) => execute(context, cancellationToken);
}
