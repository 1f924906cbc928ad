namespace FlowStream;

/// <summary>Options of the FlowStream engine, its limits and its event bus. Configure them with <c>AddFlowStream(options => ...)</c>.</summary>
/// <remarks>The options are validated when the engine is first resolved; an out-of-range value gives an <c>OptionsValidationException</c> that names it.</remarks>
public sealed class FlowStreamOptions
{
    /// <summary>Gets or sets the most nodes a workflow may have. Default 1,000; at least 1.</summary>
    public int MaxNodesPerWorkflow { get; set; } = 1_000;

    /// <summary>Gets or sets the largest parameters object a node may have, in bytes of compact UTF-8 JSON. Default 256 KiB; at least 1.</summary>
    public int MaxParametersBytesPerNode { get; set; } = 256 * 1024;

    /// <summary>
    /// Gets or sets the most tries (the first included) a node's <c>retry.maxTries</c> may ask for; a workflow asking for more is
    /// rejected at validation (<c>tooManyTries</c>). Default 10; at least 1.
    /// </summary>
    public int MaxRetryTries { get; set; } = 10;

    /// <summary>
    /// Gets or sets the longest delay a <c>wait</c> node's <c>ms</c> and a node's <c>retry.waitMs</c> may ask for: a literal value above it
    /// is rejected at validation (<c>waitTooLong</c>), a templated one fails the node. Default 24 hours; more than zero.
    /// </summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Gets or sets the longest per-attempt timeout (<c>timeoutMs</c>) a node may ask for; a workflow asking for more is rejected at
    /// validation (<c>timeoutTooLong</c>). Default 24 hours; more than zero.
    /// </summary>
    public TimeSpan MaxNodeTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Gets or sets how many nodes of one execution may run at once when neither the request nor the workflow's settings say.
    /// Default 1: the nodes run one at a time in topological order, ties broken by definition order. At least 1.
    /// </summary>
    public int DefaultMaxDegreeOfParallelism { get; set; } = 1;

    /// <summary>Gets or sets the most events kept in one execution's log for replay. Default 100,000; at least 1.</summary>
    public int MaxRetainedEventsPerExecution { get; set; } = 100_000;

    /// <summary>Gets or sets the most bytes of event JSON kept in one execution's log for replay. Default 64 MiB; at least 1.</summary>
    public long MaxRetainedEventBytesPerExecution { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets or sets how many events a subscriber may have queued before it is switched to catching up from the log.
    /// Default 1,024; at least 1.
    /// </summary>
    public int SubscriberBufferCapacity { get; set; } = 1_024;

    /// <summary>Gets or sets how long a finished execution stays available (status, replay). Default 10 minutes; more than zero.</summary>
    public TimeSpan FinishedExecutionTimeToLive { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the most finished executions kept; the oldest are evicted first. Default 1,000; at least 0.</summary>
    public int MaxFinishedExecutions { get; set; } = 1_000;
}
