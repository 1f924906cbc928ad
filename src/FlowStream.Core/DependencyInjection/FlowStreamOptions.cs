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
    /// Gets or sets how many events a reader may be behind the head of an execution's log before it counts as lagging
    /// (<c>flowstream.subscribers.lagging</c>). Readers follow the log by cursor and have no buffer of their own, so lagging costs
    /// nobody anything until the events a reader needs leave the retention window. Default 1,024; at least 1.
    /// </summary>
    public int SubscriberBufferCapacity { get; set; } = 1_024;

    /// <summary>Gets or sets how long a finished execution stays available (status, replay). Default 10 minutes; more than zero.</summary>
    public TimeSpan FinishedExecutionTimeToLive { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets the most finished executions kept; the oldest are evicted first. Default 1,000; at least 0.</summary>
    public int MaxFinishedExecutions { get; set; } = 1_000;

    /// <summary>
    /// Gets or sets the largest output one node may produce, in bytes of UTF-8 JSON. A larger output fails the node with a message
    /// naming this limit. Default 16 MiB; at least 1.
    /// </summary>
    public int MaxNodeOutputBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the most bytes one execution may produce, its events and its node outputs together. Past it the execution
    /// fails (nothing new starts) with a message naming this limit. Default 64 MiB; at least 1.
    /// </summary>
    public long MaxExecutionBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the most bytes all retained executions may hold together (events and outputs). Past it the oldest finished
    /// executions are evicted first; running executions are never evicted. Default 256 MiB; at least 1.
    /// </summary>
    public long MaxRetainedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the largest <c>data</c> a <c>nodeExecutionAfter</c> or <c>nodeExecutionProgress</c> event carries. A larger
    /// output is retained whole, but its event says <c>"dataTruncated": true, "dataBytes": n</c> instead (the claim check).
    /// Default 64 KiB; at least 1.
    /// </summary>
    public int MaxEventDataBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Gets or sets how long one execution may run. Past it the execution fails with a message naming this limit and its running
    /// nodes are canceled. Checked by the engine's sweep timer, so it holds to within a minute. Default 24 hours; more than zero, or <see cref="Timeout.InfiniteTimeSpan"/> for no limit.
    /// </summary>
    public TimeSpan MaxExecutionDuration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Gets or sets how many executions may run at once on this host. Starting another throws
    /// <see cref="ExecutionQuotaExceededException"/> (over HTTP: 429). Default 1,000; at least 1.
    /// </summary>
    public int MaxRunningExecutions { get; set; } = 1_000;

    /// <summary>
    /// Gets or sets how many executions one owner (<see cref="ExecutionRequest.QuotaPartition"/>, else <see cref="ExecutionRequest.OwnerId"/>)
    /// may run at once on this host. Starting another throws <see cref="ExecutionQuotaExceededException"/> (over HTTP: 429).
    /// Default 100; at least 1.
    /// </summary>
    public int MaxRunningExecutionsPerOwner { get; set; } = 100;

    /// <summary>
    /// Gets or sets how long the <c>regex</c> operator of an <c>if</c> or <c>switch</c> condition may search one value before the node fails
    /// (a guard against catastrophic backtracking). Default 250 ms; more than zero and at most 10 seconds.
    /// </summary>
    public TimeSpan RegexMatchTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Gets or sets how deeply <c>executeWorkflow</c> nodes may nest child executions: a top-level execution is at depth 0, its children at 1,
    /// and an <c>executeWorkflow</c> node that would start an execution deeper than this fails. Default 8; at least 1.
    /// </summary>
    public int MaxWorkflowNestingDepth { get; set; } = 8;
}
