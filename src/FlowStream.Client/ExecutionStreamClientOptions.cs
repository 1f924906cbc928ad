namespace FlowStream.Client;

/// <summary>Options of an <see cref="ExecutionStreamClient"/>; they are validated, and copied, when the client is created.</summary>
public sealed class ExecutionStreamClientOptions
{
    /// <summary>
    /// Gets or sets the path under the <see cref="HttpClient.BaseAddress"/> where the server mapped its execution endpoints
    /// (the pattern it passed to <c>MapExecutionStream</c>). Default <c>/executions</c>. Must not be empty.
    /// </summary>
    public string BasePath { get; set; } = "/executions";

    /// <summary>
    /// Gets or sets how many consecutive re-attach attempts may fail, without a new event in between, before a stream gives
    /// up. An attempt that delivers at least one new event starts the count again. Default 5; 0 turns re-attaching off.
    /// Must not be negative.
    /// </summary>
    public int MaxReconnectAttempts { get; set; } = 5;

    /// <summary>
    /// Gets or sets the wait before the first re-attach attempt after a drop; each further attempt without progress waits
    /// twice as long as the one before, up to <see cref="MaxReconnectDelay"/>. Default 250 ms. Must not be negative.
    /// </summary>
    public TimeSpan InitialReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets or sets the longest wait between two re-attach attempts. Default 5 s. Must not be less than <see cref="InitialReconnectDelay"/>.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the clock the waits between re-attach attempts run on. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
