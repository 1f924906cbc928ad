using System.Security.Claims;

namespace FlowStream.AspNetCore;

/// <summary>Options of the endpoints mapped by <c>MapExecutionStream()</c>. Configure them with <c>AddFlowStream().AddExecutionStream(options => ...)</c>.</summary>
public sealed class ExecutionStreamOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether a request may carry the workflow itself (<c>{"workflow": {...}}</c>) instead of a
    /// <c>flowId</c> known to the <see cref="IWorkflowStore"/>. Default <see langword="false"/>: only stored workflows run.
    /// </summary>
    public bool AllowInlineWorkflows { get; set; }

    /// <summary>Gets or sets the largest request body accepted, in bytes; a larger one gets 413. Default 1 MiB.</summary>
    public long MaxRequestBodySize { get; set; } = 1024 * 1024;

    /// <summary>Gets or sets how long a stream may stay silent before a <c>: keepalive</c> comment is written. Default 15 seconds.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Gets or sets a value indicating whether an execution is canceled when the client of its start-and-stream request disconnects.
    /// Default <see langword="false"/>: the execution goes on and the client can attach again and resume from its last event id.
    /// </summary>
    public bool CancelOnDisconnect { get; set; }

    /// <summary>Gets or sets the claim that identifies the user who owns an execution. Default <see cref="ClaimTypes.NameIdentifier"/>.</summary>
    public string UserIdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>
    /// Gets or sets how many bytes of events may be written to a stream before it is flushed even though more are queued.
    /// Default 32 KiB. A stream is always flushed as soon as nothing more is queued.
    /// </summary>
    public int MaxUnflushedBytes { get; set; } = 32 * 1024;
}
