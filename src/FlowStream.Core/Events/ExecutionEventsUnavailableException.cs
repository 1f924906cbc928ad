namespace FlowStream;

/// <summary>
/// Thrown by an event subscription when an event it needs has left the execution's retention window:
/// the subscriber fell too far behind (or asked to resume from too early) to be given every event.
/// </summary>
public sealed class ExecutionEventsUnavailableException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public ExecutionEventsUnavailableException()
        : this("The requested execution events are no longer retained.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public ExecutionEventsUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExecutionEventsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for an execution whose log no longer holds the next event a subscriber needs.</summary>
    /// <param name="executionId">The execution.</param>
    /// <param name="nextSequence">The sequence number the subscriber needed next.</param>
    /// <param name="firstRetainedSequence">The oldest sequence number still retained.</param>
    public ExecutionEventsUnavailableException(long executionId, long nextSequence, long firstRetainedSequence)
        : base($"Event {nextSequence} of execution {executionId} is no longer retained: the event log now starts at event {firstRetainedSequence}. " +
               "The subscriber fell behind the retention window (FlowStreamOptions.MaxRetainedEventsPerExecution / MaxRetainedEventBytesPerExecution).")
    {
        ExecutionId = executionId;
        NextSequence = nextSequence;
        FirstRetainedSequence = firstRetainedSequence;
    }

    /// <summary>Gets the execution.</summary>
    public long ExecutionId { get; }

    /// <summary>Gets the sequence number the subscriber needed next.</summary>
    public long NextSequence { get; }

    /// <summary>Gets the oldest sequence number still retained when the subscriber asked.</summary>
    public long FirstRetainedSequence { get; }
}
