namespace FlowStream;

/// <summary>
/// Thrown when the store that executions are shared through (a backplane such as FlowStream.Redis) cannot be reached, so a new
/// execution cannot be accepted. Nothing was started. Over HTTP it is a 503 with <c>Retry-After</c>.
/// </summary>
public sealed class ExecutionStoreUnavailableException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public ExecutionStoreUnavailableException()
        : this("The execution store is unavailable. Try again later.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public ExecutionStoreUnavailableException(string message)
        : base(message)
    {
        RetryAfter = TimeSpan.FromSeconds(5);
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExecutionStoreUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
        RetryAfter = TimeSpan.FromSeconds(5);
    }

    /// <summary>Initializes a new instance that says when to try again.</summary>
    /// <param name="message">The message.</param>
    /// <param name="retryAfter">How long the caller should wait before trying again.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ExecutionStoreUnavailableException(string message, TimeSpan retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>Gets how long the caller should wait before trying again.</summary>
    public TimeSpan RetryAfter { get; }
}
