namespace FlowStream;

/// <summary>
/// Carries the events of executions from the engine to any number of subscribers, with a per-execution
/// log for replay. The in-memory implementation is registered by <c>AddFlowStream()</c>; a distributed
/// backplane can replace it.
/// </summary>
/// <remarks>
/// Contract for implementations:
/// <list type="bullet">
/// <item>The events of one execution are published in sequence order (1, 2, 3, …) and never concurrently.</item>
/// <item><see cref="Publish"/> never waits for a subscriber.</item>
/// <item><see cref="SubscribeAsync"/> yields every retained event after <c>afterSequence</c>, then live events, exactly once each and in order,
/// and completes after <see cref="ExecutionEventTypes.ExecutionFinished"/>. When an event it needs is no longer retained, the
/// enumeration ends with an <see cref="ExecutionEventsUnavailableException"/>.</item>
/// </list>
/// </remarks>
public interface IExecutionEventBus
{
    /// <summary>Appends an event to its execution's log and hands it to the live subscribers. Never blocks on a subscriber.</summary>
    /// <param name="executionEvent">The event; its sequence number must follow the previous event of the same execution.</param>
    void Publish(ExecutionEvent executionEvent);

    /// <summary>Replays the events of an execution after <paramref name="afterSequence"/>, then follows live events until <see cref="ExecutionEventTypes.ExecutionFinished"/>.</summary>
    /// <param name="executionId">The execution.</param>
    /// <param name="afterSequence">The last sequence number the caller already has; 0 for everything.</param>
    /// <param name="cancellationToken">Ends the subscription (with <see cref="OperationCanceledException"/>).</param>
    /// <returns>The events.</returns>
    /// <exception cref="ExecutionEventsUnavailableException">An event the subscriber needs has left the retention window (thrown by the enumeration).</exception>
    /// <exception cref="InvalidOperationException">The bus has no events of that execution (thrown by the enumeration).</exception>
    IAsyncEnumerable<ExecutionEvent> SubscribeAsync(long executionId, long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>Gets the sequence number of the last event published for an execution.</summary>
    /// <param name="executionId">The execution.</param>
    /// <param name="lastSequence">The last sequence number, when the bus knows the execution.</param>
    /// <returns><see langword="true"/> when the bus holds a log for the execution.</returns>
    bool TryGetLastSequence(long executionId, out long lastSequence);

    /// <summary>Forgets an execution's log (called when the execution is evicted). Subscribers already reading may finish.</summary>
    /// <param name="executionId">The execution.</param>
    /// <returns><see langword="true"/> when a log was removed.</returns>
    bool Remove(long executionId);
}
