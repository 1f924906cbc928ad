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

    /// <summary>403: the request carries an inline workflow and <see cref="ExecutionStreamOptions.AllowInlineWorkflows"/> is off, or the user has no id claim.</summary>
    public const string Forbidden = "urn:flowstream:problem:forbidden";

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
}
