namespace FlowStream.Sample;

/// <summary>
/// A demo node that fails its first <c>failTimes</c> attempts (parameter, default 2) and then succeeds, to show retries.
/// </summary>
public sealed class FlakyNode : INodeHandler
{
    /// <inheritdoc />
    public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failTimes = context.Parameters.TryGetProperty("failTimes", out var value) && value.TryGetInt32(out var n) ? n : 2;
        if (context.Attempt <= failTimes)
        {
            throw new InvalidOperationException($"Simulated failure on attempt {context.Attempt} of {failTimes + 1}.");
        }

        return ValueTask.FromResult(NodeResult.Success(context.Input));
    }
}
