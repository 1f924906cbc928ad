using System.Text.Json;

namespace FlowStream.Nodes.BuiltIn;

/// <summary><c>wait</c>: waits <c>ms</c> milliseconds on the engine's <see cref="TimeProvider"/>, then passes its input through.</summary>
internal sealed class WaitNode(TimeProvider timeProvider) : INodeHandler
{
    /// <summary>The longest delay <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> accepts.</summary>
    private const double MaxMs = uint.MaxValue - 1;

    public async ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        if (!context.Parameters.TryGetProperty("ms"u8, out var msValue) || msValue.ValueKind != JsonValueKind.Number
            || !msValue.TryGetDouble(out var ms) || ms < 0 || double.IsInfinity(ms))
        {
            return NodeResult.Failure($"Parameter 'ms' of node '{context.Node.Name}' must be a non-negative number of milliseconds.");
        }

        if (ms > MaxMs)
        {
            return NodeResult.Failure($"Parameter 'ms' of node '{context.Node.Name}' must be a non-negative number of milliseconds no larger than {MaxMs:0}.");
        }

        if (ms > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(ms), timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return NodeResult.Success(context.Input);
    }
}
