namespace FlowStream;

/// <summary>
/// The writer side of the event store: appends each execution's events to its log. The engine is its only caller.
/// The in-memory store is registered by <c>AddFlowStream()</c>; a distributed backplane replaces it together with
/// <see cref="IExecutionEventReader"/>.
/// </summary>
/// <remarks>
/// Contract for implementations (one test suite checks every implementation):
/// <list type="bullet">
/// <item>The events of one execution are appended in sequence order (1, 2, 3, …) and never concurrently.</item>
/// <item><see cref="Append"/> copies the bytes and never waits for a reader.</item>
/// <item>Nothing is appended after <see cref="ExecutionEventTypes.ExecutionFinished"/>.</item>
/// </list>
/// </remarks>
public interface IExecutionEventWriter
{
    /// <summary>Appends an event to its execution's log and wakes the readers waiting for it. Never blocks on a reader.</summary>
    /// <param name="executionId">The execution.</param>
    /// <param name="sequence">The event's sequence number: the previous event's plus one (1 for <see cref="ExecutionEventTypes.ExecutionStarted"/>).</param>
    /// <param name="type">The event type (see <see cref="ExecutionEventTypes"/>).</param>
    /// <param name="utf8Json">The compact UTF-8 JSON of the event, <c>{"type": ..., "data": {...}}</c>, with no line break. It is copied.</param>
    /// <exception cref="InvalidOperationException">The sequence number does not follow the last one, or the execution has already finished.</exception>
    void Append(long executionId, long sequence, string type, ReadOnlySpan<byte> utf8Json);

    /// <summary>Forgets an execution's log (called when the execution is evicted). Readers already reading may finish.</summary>
    /// <param name="executionId">The execution.</param>
    /// <returns><see langword="true"/> when a log was removed.</returns>
    bool Remove(long executionId);
}
