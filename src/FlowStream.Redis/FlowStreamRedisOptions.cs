namespace FlowStream.Redis;

/// <summary>
/// Settings of the Redis backplane (<c>services.AddFlowStream().AddRedis(...)</c>). Validated when the host starts.
/// </summary>
public sealed class FlowStreamRedisOptions
{
    /// <summary>
    /// Gets or sets the StackExchange.Redis configuration string, for example <c>"127.0.0.1:6379"</c>. When it is empty, the
    /// <see cref="StackExchange.Redis.IConnectionMultiplexer"/> registered in the container is used.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>Gets or sets the prefix of every key and channel the backplane uses (default <c>"flowstream:"</c>). Hosts that share executions use the same prefix.</summary>
    public string KeyPrefix { get; set; } = "flowstream:";

    /// <summary>
    /// Gets or sets how long a running execution's lease lasts without renewal (default 15 s). The running host renews it every
    /// third of this; when it lapses, another host ends the execution as lost, so no stream waits longer than about this.
    /// </summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets how long a control request (cancel, pause, resume) waits for the host that runs the execution to answer, and how
    /// long a start waits for Redis to have the new execution (so every host finds its id) before it answers anyway (default 5 s).
    /// </summary>
    public TimeSpan ControlTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how often a host re-reads the executions its local readers follow even without a notification (default 1 s):
    /// the safety net for a notification lost while Redis was unreachable. Once per followed execution per host, never per client.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Gets or sets how many bytes of events one execution may hold locally while Redis is unreachable (default 16 MiB). An
    /// execution that would buffer more fails with an error that says so; nothing is dropped silently.
    /// </summary>
    public long MaxBufferedEventBytesPerExecution { get; set; } = 16L * 1024 * 1024;

    /// <summary>Gets or sets how many bytes of events all executions of this host together may hold locally while Redis is unreachable (default 256 MiB).</summary>
    public long MaxBufferedEventBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Gets or sets a value indicating whether the ASP.NET Core Data Protection key ring is kept in Redis (default
    /// <see langword="true"/>), so an execution token minted by one host is accepted by all.
    /// </summary>
    public bool PersistDataProtectionKeys { get; set; } = true;
}
