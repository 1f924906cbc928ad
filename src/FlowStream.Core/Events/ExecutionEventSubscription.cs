using System.Runtime.CompilerServices;

namespace FlowStream;

/// <summary>
/// A cursor over one execution's event log: each <see cref="ReadAsync"/> returns every event available after the cursor in one
/// batch, so a writer such as an SSE response can write a burst and flush once.
/// </summary>
public abstract class ExecutionEventSubscription : IAsyncDisposable
{
    /// <summary>Gets the execution whose events this subscription reads.</summary>
    public abstract long ExecutionId { get; }

    /// <summary>Gets the sequence number of the last event this subscription returned (its starting point before the first read).</summary>
    public abstract long Position { get; }

    /// <summary>
    /// Returns the events after the cursor that are available now, waiting until at least one is, and moves the cursor past them.
    /// An empty batch means the subscription is complete: <see cref="ExecutionEventTypes.ExecutionFinished"/> was returned before.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting (with <see cref="OperationCanceledException"/>).</param>
    /// <returns>The events, in sequence order. The memory is valid until the next call.</returns>
    /// <exception cref="ExecutionEventsUnavailableException">An event the subscription needs has left the retention window.</exception>
    public abstract ValueTask<ReadOnlyMemory<ExecutionEvent>> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Yields every event, one at a time, until the subscription completes.</summary>
    /// <param name="cancellationToken">Stops the enumeration (with <see cref="OperationCanceledException"/>).</param>
    /// <returns>The events.</returns>
    public async IAsyncEnumerable<ExecutionEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var batch = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (batch.IsEmpty)
            {
                yield break;
            }

            for (var i = 0; i < batch.Length; i++)
            {
                yield return batch.Span[i];
            }
        }
    }

    /// <summary>Releases the subscription's place in the log.</summary>
    /// <returns>A task that completes when it is released.</returns>
    public abstract ValueTask DisposeAsync();
}
