using System.Runtime.CompilerServices;

namespace FlowStream;

/// <summary>Conveniences over <see cref="IExecutionEventReader"/>.</summary>
public static class ExecutionEventReaderExtensions
{
    /// <summary>Replays an execution's events after <paramref name="afterSequence"/>, then follows live events until <see cref="ExecutionEventTypes.ExecutionFinished"/>.</summary>
    /// <param name="reader">The reader.</param>
    /// <param name="executionId">The execution.</param>
    /// <param name="afterSequence">The last sequence number the caller already has; 0 for everything.</param>
    /// <param name="cancellationToken">Ends the enumeration (with <see cref="OperationCanceledException"/>).</param>
    /// <returns>The events.</returns>
    /// <exception cref="InvalidOperationException">The store has no events of that execution (thrown by the enumeration).</exception>
    /// <exception cref="ExecutionEventsUnavailableException">An event needed has left the retention window (thrown by the enumeration).</exception>
    public static IAsyncEnumerable<ExecutionEvent> SubscribeAsync(this IExecutionEventReader reader, long executionId, long afterSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        return Read(reader, executionId, afterSequence, cancellationToken);
    }

    private static async IAsyncEnumerable<ExecutionEvent> Read(IExecutionEventReader reader, long executionId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!reader.TryOpen(executionId, afterSequence, out var subscription))
        {
            throw new InvalidOperationException($"The event store has no events of execution {executionId}: it never ran here, or it was evicted.");
        }

        await using (subscription.ConfigureAwait(false))
        {
            await foreach (var executionEvent in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return executionEvent;
            }
        }
    }
}
