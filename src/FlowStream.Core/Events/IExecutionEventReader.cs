using System.Diagnostics.CodeAnalysis;

namespace FlowStream;

/// <summary>
/// The reader side of the event store: follows an execution's log by cursor, from any sequence number still retained.
/// </summary>
/// <remarks>
/// Contract for implementations (one test suite checks every implementation): a subscription yields every retained event after
/// its starting point, then live events, exactly once each and in order, and completes after
/// <see cref="ExecutionEventTypes.ExecutionFinished"/>. When an event it needs is no longer retained, its read fails with an
/// <see cref="ExecutionEventsUnavailableException"/>. A reader that falls behind never slows the writer or other readers.
/// </remarks>
public interface IExecutionEventReader
{
    /// <summary>Opens a subscription to an execution's events after <paramref name="afterSequence"/>.</summary>
    /// <param name="executionId">The execution.</param>
    /// <param name="afterSequence">The last sequence number the caller already has; 0 for everything.</param>
    /// <param name="subscription">The subscription, when the store knows the execution. Dispose it when done.</param>
    /// <returns><see langword="true"/> when the store holds a log for the execution.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterSequence"/> is negative.</exception>
    bool TryOpen(long executionId, long afterSequence, [NotNullWhen(true)] out ExecutionEventSubscription? subscription);

    /// <summary>Gets the sequence number of the last event appended for an execution.</summary>
    /// <param name="executionId">The execution.</param>
    /// <param name="lastSequence">The last sequence number, when the store knows the execution.</param>
    /// <returns><see langword="true"/> when the store holds a log for the execution.</returns>
    bool TryGetLastSequence(long executionId, out long lastSequence);
}
