namespace FlowStream;

/// <summary>
/// Thrown by <see cref="IWorkflowEngine.Start"/> when starting one more execution would exceed the running executions allowed
/// for the whole host (<c>FlowStreamOptions.MaxRunningExecutions</c>) or for one owner or partition
/// (<c>FlowStreamOptions.MaxRunningExecutionsPerOwner</c>). Nothing was started. Over HTTP it is a 429 with <c>Retry-After</c>.
/// </summary>
public sealed class ExecutionQuotaExceededException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public ExecutionQuotaExceededException()
        : this("host", 0, TimeSpan.Zero)
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public ExecutionQuotaExceededException(string message)
        : base(message)
    {
        Scope = "host";
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExecutionQuotaExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        Scope = "host";
    }

    /// <summary>Initializes a new instance for a quota that was hit.</summary>
    /// <param name="scope"><c>"host"</c> or <c>"owner"</c>: which quota was hit.</param>
    /// <param name="limit">The number of running executions the quota allows.</param>
    /// <param name="retryAfter">How long the caller should wait before trying again.</param>
    public ExecutionQuotaExceededException(string scope, int limit, TimeSpan retryAfter)
        : base($"Too many running executions: at most {limit} may run at once ({(scope == "owner" ? "per owner" : "per host")}). Try again later.")
    {
        ArgumentNullException.ThrowIfNull(scope);
        Scope = scope;
        Limit = limit;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets which quota was hit: <c>"host"</c> (<c>FlowStreamOptions.MaxRunningExecutions</c>) or <c>"owner"</c> (<c>FlowStreamOptions.MaxRunningExecutionsPerOwner</c>).</summary>
    public string Scope { get; }

    /// <summary>Gets the number of running executions the quota allows.</summary>
    public int Limit { get; }

    /// <summary>Gets how long the caller should wait before trying again.</summary>
    public TimeSpan RetryAfter { get; }
}
