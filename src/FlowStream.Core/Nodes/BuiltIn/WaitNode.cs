using System.Text.Json;
using Microsoft.Extensions.Options;

namespace FlowStream.Nodes.BuiltIn;

/// <summary>
/// <c>wait</c>: waits <c>ms</c> milliseconds on the engine's <see cref="TimeProvider"/>, then passes its input through.
/// At most <see cref="FlowStreamOptions.MaxWait"/>.
/// </summary>
internal sealed class WaitNode(TimeProvider timeProvider, IOptions<FlowStreamOptions> options) : INodeHandler
{
    /// <summary>The longest delay <see cref="Task.Delay(TimeSpan, TimeProvider, CancellationToken)"/> accepts.</summary>
    private const double MaxDelayMs = uint.MaxValue - 1;

    private readonly double _maxMs = Math.Min(MaxDelayMs, Math.Floor(options.Value.MaxWait.TotalMilliseconds));

    public async ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        if (!context.Parameters.TryGetProperty("ms"u8, out var msValue) || msValue.ValueKind != JsonValueKind.Number
            || !msValue.TryGetDouble(out var ms) || ms < 0 || double.IsInfinity(ms))
        {
            return NodeResult.Failure($"Parameter 'ms' of node '{context.Node.Name}' must be a non-negative number of milliseconds.");
        }

        if (ms > _maxMs)
        {
            return NodeResult.Failure($"Parameter 'ms' of node '{context.Node.Name}' must be a non-negative number of milliseconds no larger than {_maxMs:0} (FlowStreamOptions.MaxWait).");
        }

        if (ms > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(ms), timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return NodeResult.Success(context.Input);
    }
}
