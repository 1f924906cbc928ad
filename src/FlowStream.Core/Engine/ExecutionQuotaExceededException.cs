namespace FlowStream;

/// <summary>
/// Thrown by <see cref="IWorkflowEngine.Start"/> when starting would exceed <see cref="FlowStreamOptions.MaxRunningExecutions"/>
/// (<see cref="Scope"/> <c>"host"</c>) or <see cref="FlowStreamOptions.MaxRunningExecutionsPerOwner"/> (<c>"owner"</c>).
/// Over HTTP it is a 429 with <c>Retry-After</c>.
/// </summary>
public sealed class ExecutionQuotaExceededException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="ExecutionQuotaExceededException"/> class.</summary>
    public ExecutionQuotaExceededException()
        : this("host", 0, TimeSpan.FromSeconds(1))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionQuotaExceededException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ExecutionQuotaExceededException(string message)
        : base(message)
    {
        Scope = "host";
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionQuotaExceededException"/> class with a message and an inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExecutionQuotaExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        Scope = "host";
        RetryAfter = TimeSpan.FromSeconds(1);
    }

    /// <summary>Initializes a new instance of the <see cref="ExecutionQuotaExceededException"/> class.</summary>
    /// <param name="scope"><c>"host"</c> or <c>"owner"</c>.</param>
    /// <param name="limit">The limit that was reached.</param>
    /// <param name="retryAfter">When trying again makes sense.</param>
    public ExecutionQuotaExceededException(string scope, int limit, TimeSpan retryAfter)
        : base(scope == "owner"
            ? $"Too many running executions for this caller: at most {limit} may run at once (FlowStreamOptions.MaxRunningExecutionsPerOwner)."
            : $"Too many running executions on this host: at most {limit} may run at once (FlowStreamOptions.MaxRunningExecutions).")
    {
        Scope = scope;
        Limit = limit;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets which limit was reached: <c>"host"</c> or <c>"owner"</c>.</summary>
    public string Scope { get; }

    /// <summary>Gets the limit that was reached.</summary>
    public int Limit { get; }

    /// <summary>Gets how long to wait before trying again.</summary>
    public TimeSpan RetryAfter { get; }
}
