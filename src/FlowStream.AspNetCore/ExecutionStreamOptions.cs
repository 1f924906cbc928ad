using System.Security.Claims;
using Microsoft.AspNetCore.Http;

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

    /// <summary>
    /// Gets or sets how many streams (<c>POST {pattern}/stream</c> and <c>GET {pattern}/{id}/stream</c>) may be open on one execution at
    /// once; one more gets 429 with <c>Retry-After</c>. Default 100; at least 1.
    /// </summary>
    public int MaxStreamsPerExecution { get; set; } = 100;

    /// <summary>
    /// Gets the origins (<c>scheme://host[:port]</c>) whose cross-origin browser POSTs are allowed. Empty by default: a browser POST
    /// whose <c>Sec-Fetch-Site</c> is neither <c>same-origin</c> nor <c>none</c>, or whose <c>Origin</c> is not the request's host, gets 403.
    /// Requests without those headers (non-browser clients) always pass.
    /// </summary>
    public IList<string> TrustedOrigins { get; } = [];

    /// <summary>
    /// Gets or sets how long the execution token given to the starter (<c>FlowStream-Token</c> header, <c>accessToken</c>) stays valid.
    /// Default 24 hours; more than zero.
    /// </summary>
    public TimeSpan ExecutionTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets how long a share token of <c>POST {pattern}/{id}/tokens</c> is valid when the body does not say. Default 15 minutes; more than zero.</summary>
    public TimeSpan DefaultShareTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Gets or sets the longest lifetime a share token may be given; a longer <c>expiresInSeconds</c> is capped to it. Default 24 hours; at least <see cref="DefaultShareTokenLifetime"/>.</summary>
    public TimeSpan MaxShareTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Gets or sets a function that returns the key the per-owner quota counts a start request under (for example an API key's
    /// tenant); <see langword="null"/> (the default), or a function returning <see langword="null"/>, uses the user id, or
    /// <c>"anonymous:"</c> and the remote address for an anonymous caller.
    /// </summary>
    public Func<HttpContext, string?>? QuotaPartition { get; set; }
}
