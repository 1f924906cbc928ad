namespace FlowStream.Nodes.BuiltIn;

/// <summary><c>manualTrigger</c>: outputs the execution's input data.</summary>
internal sealed class ManualTriggerNode : INodeHandler
{
    public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
        => new(NodeResult.Success(context.InputData));
}
