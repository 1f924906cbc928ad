namespace FlowStream;

/// <summary>
/// Runs the nodes of one node type. Register implementations with
/// <c>services.AddFlowStream().AddNode&lt;THandler&gt;("type")</c>; a handler is created from the execution's
/// DI scope, so it may take scoped services.
/// </summary>
/// <remarks>
/// <para>
/// Report failure by throwing (the exception's message becomes the node's error) or by returning
/// <see cref="NodeResult.Failure(string)"/>. Observe the cancellation token: it fires on the node's
/// timeout and on cancellation of the execution. A handler that ignores it does not hold the execution up — the node is
/// recorded as timed out or canceled and the handler's late result is discarded — but it keeps using resources until it returns.
/// </para>
/// <para>
/// Handlers run on the scheduler's flow until their first asynchronous wait, like ASP.NET Core middleware: offload long
/// synchronous work (for example with <see cref="Task.Run(Action)"/>) so that parallel nodes can overlap.
/// </para>
/// </remarks>
public interface INodeHandler
{
    /// <summary>Runs one attempt of a node.</summary>
    /// <param name="context">The node, its resolved parameters, its input and the execution's services.</param>
    /// <param name="cancellationToken">Fires on the node's timeout or the execution's cancellation.</param>
    /// <returns>The node's result.</returns>
    ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken);
}
