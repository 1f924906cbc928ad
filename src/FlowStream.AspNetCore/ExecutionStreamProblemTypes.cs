namespace FlowStream.AspNetCore;

/// <summary>The <c>type</c> values of the RFC 9457 problem details the execution endpoints answer with. Clients may switch on them.</summary>
public static class ExecutionStreamProblemTypes
{
    /// <summary>400: the body is not valid JSON, has wrong types, or lacks <c>flowId</c>/<c>workflow</c>.</summary>
    public const string InvalidRequest = "urn:flowstream:problem:invalid-request";

    /// <summary>400: the workflow cannot run; the problem's <c>errors</c> list each validation problem with its <c>code</c>.</summary>
    public const string InvalidWorkflow = "urn:flowstream:problem:invalid-workflow";

    /// <summary>400: <c>Last-Event-ID</c> (or <c>lastEventId</c>) is not a non-negative integer, or is beyond the execution's last event.</summary>
    public const string InvalidLastEventId = "urn:flowstream:problem:invalid-last-event-id";

    /// <summary>
    /// 403: the request carries an inline workflow and <see cref="ExecutionStreamOptions.AllowInlineWorkflows"/> is off, the user has no id
    /// claim, or a read-only (share) token was used to control an execution or to mint tokens.
    /// </summary>
    public const string Forbidden = "urn:flowstream:problem:forbidden";

    /// <summary>403: a cross-origin browser POST from an origin not in <see cref="ExecutionStreamOptions.TrustedOrigins"/>.</summary>
    public const string CrossOriginRequest = "urn:flowstream:problem:cross-origin-request";

    /// <summary>
    /// 429: too many running executions for the host or the caller (the problem's <c>scope</c> says which, <c>limit</c> how many), or too
    /// many streams open on one execution (<see cref="ExecutionStreamOptions.MaxStreamsPerExecution"/>). <c>Retry-After</c> says when to try again.
    /// </summary>
    public const string QuotaExceeded = "urn:flowstream:problem:quota-exceeded";

    /// <summary>404: no such flow, or no such execution visible to the caller.</summary>
    public const string NotFound = "urn:flowstream:problem:not-found";

    /// <summary>409: the execution has already finished, so it cannot be canceled, paused or resumed.</summary>
    public const string ExecutionFinished = "urn:flowstream:problem:execution-finished";

    /// <summary>410: the events after the given <c>Last-Event-ID</c> are no longer retained.</summary>
    public const string EventsUnavailable = "urn:flowstream:problem:events-unavailable";

    /// <summary>413: the body is larger than <see cref="ExecutionStreamOptions.MaxRequestBodySize"/>.</summary>
    public const string RequestTooLarge = "urn:flowstream:problem:request-too-large";

    /// <summary>415: a POST whose body is not <c>application/json</c>.</summary>
    public const string UnsupportedMediaType = "urn:flowstream:problem:unsupported-media-type";

    /// <summary>503: the store executions are shared through (FlowStream.Redis), or the host that runs the execution, cannot be reached now; <c>Retry-After</c> says when to try again.</summary>
    public const string StoreUnavailable = "urn:flowstream:problem:store-unavailable";
}
