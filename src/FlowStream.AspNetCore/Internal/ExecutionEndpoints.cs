using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace FlowStream.AspNetCore.Internal;

/// <summary>The request handlers behind <c>MapExecutionStream()</c>.</summary>
internal sealed class ExecutionEndpoints
{
    private readonly IWorkflowEngine _engine;
    private readonly IWorkflowStore? _store;
    private readonly IExecutionEventReader _events;
    private readonly ExecutionStreamOptions _options;
    private readonly ExecutionStreamer _streamer;

    public ExecutionEndpoints(IWorkflowEngine engine, IWorkflowStore? store, IExecutionEventReader events, ExecutionStreamOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _engine = engine;
        _store = store;
        _events = events;
        _options = options;
        _streamer = new ExecutionStreamer(events, options, timeProvider, logger);
    }

    /// <summary><c>POST {pattern}/stream</c>: start, then stream every event of the new execution.</summary>
    public async Task StartAndStreamAsync(HttpContext context)
    {
        var execution = await StartFromBodyAsync(context).ConfigureAwait(false);
        if (execution is null)
        {
            return;
        }

        context.Response.Headers["X-Execution-Id"] = ExecutionStreamer.FormatId(execution.Id);
        await _streamer.StreamAsync(context, execution, 0, _options.CancelOnDisconnect).ConfigureAwait(false);
    }

    /// <summary><c>POST {pattern}</c>: start; 202 with the execution's location and summary.</summary>
    public async Task StartAsync(HttpContext context)
    {
        var execution = await StartFromBodyAsync(context).ConfigureAwait(false);
        if (execution is null)
        {
            return;
        }

        var path = context.Request.Path.Value?.TrimEnd('/') ?? "";
        context.Response.Headers.Location = $"{context.Request.PathBase}{path}/{ExecutionStreamer.FormatId(execution.Id)}";
        await WriteSummaryAsync(context, execution, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    /// <summary><c>GET {pattern}/{id}/stream</c>: replay after <c>Last-Event-ID</c>, then follow live.</summary>
    public async Task AttachAsync(HttpContext context)
    {
        var execution = await FindOwnedExecutionAsync(context).ConfigureAwait(false);
        if (execution is null)
        {
            return;
        }

        // The header wins over the query: a reconnecting EventSource keeps the URL's query and sends the newer id in the header.
        var header = context.Request.Headers["Last-Event-ID"];
        var raw = !StringValues.IsNullOrEmpty(header) ? header.ToString() : context.Request.Query["lastEventId"].ToString();
        long afterSequence = 0;
        if (!string.IsNullOrEmpty(raw) && (!long.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out afterSequence)))
        {
            await ProblemWriter.WriteAsync(context, StatusCodes.Status400BadRequest, ExecutionStreamProblemTypes.InvalidLastEventId, "Invalid Last-Event-ID",
                $"Last-Event-ID must be a non-negative integer, not '{Truncate(raw)}'.").ConfigureAwait(false);
            return;
        }

        // "Finished?" before "last sequence": read the other way round, a resume racing the end could see the last id before
        // executionFinished was appended, then "finished", and answer 204 to a client that never got executionFinished.
        var isFinished = execution.IsFinished;
        if (_events.TryGetLastSequence(execution.Id, out var last) && afterSequence > last)
        {
            await ProblemWriter.WriteAsync(context, StatusCodes.Status400BadRequest, ExecutionStreamProblemTypes.InvalidLastEventId, "Invalid Last-Event-ID",
                $"Last-Event-ID {afterSequence} is beyond the last event ({last}) of execution {execution.Id}: event ids are per execution.").ConfigureAwait(false);
            return;
        }

        if (isFinished && afterSequence == last)
        {
            // Nothing will ever follow: 204 tells a browser EventSource to stop reconnecting.
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await _streamer.StreamAsync(context, execution, afterSequence, cancelOnDisconnect: false).ConfigureAwait(false);
    }

    /// <summary><c>GET {pattern}/{id}</c>: the execution's summary.</summary>
    public async Task GetStatusAsync(HttpContext context)
    {
        var execution = await FindOwnedExecutionAsync(context).ConfigureAwait(false);
        if (execution is not null)
        {
            await WriteSummaryAsync(context, execution, StatusCodes.Status200OK).ConfigureAwait(false);
        }
    }

    /// <summary><c>POST {pattern}/{id}/cancel|pause|resume</c>.</summary>
    public async Task ControlAsync(HttpContext context, Func<WorkflowExecution, bool> control, string verb)
    {
        var execution = await FindOwnedExecutionAsync(context).ConfigureAwait(false);
        if (execution is null)
        {
            return;
        }

        // Like starts, control requests must say they are JSON (the body may be empty or {}): a cross-site form or a
        // no-cors fetch cannot set that type without a CORS preflight, so it cannot cancel a signed-in user's execution.
        if (!context.Request.HasJsonContentType())
        {
            await UnsupportedMediaTypeAsync(context).ConfigureAwait(false);
            return;
        }

        if (!control(execution))
        {
            await ProblemWriter.WriteAsync(context, StatusCodes.Status409Conflict, ExecutionStreamProblemTypes.ExecutionFinished, "Execution finished",
                $"Execution {execution.Id} has already finished ({StatusText(execution.Status)}); it cannot be {verb}.").ConfigureAwait(false);
            return;
        }

        await WriteSummaryAsync(context, execution, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    private async Task<WorkflowExecution?> StartFromBodyAsync(HttpContext context)
    {
        var (ok, ownerId) = await TryGetCallerAsync(context).ConfigureAwait(false);
        if (!ok)
        {
            return null;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            return null;
        }

        StartExecutionBody? request;
        try
        {
            request = JsonSerializer.Deserialize(body, HttpJsonContext.Default.StartExecutionBody);
        }
        catch (JsonException ex)
        {
            await ProblemWriter.InvalidRequestAsync(context, $"The body is not a valid request: {ex.Message}").ConfigureAwait(false);
            return null;
        }

        if (request is null)
        {
            await ProblemWriter.InvalidRequestAsync(context, "The body must be a JSON object with 'flowId' or 'workflow'.").ConfigureAwait(false);
            return null;
        }

        if (request.InputData is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null) } input)
        {
            await ProblemWriter.InvalidRequestAsync(context, $"'inputData' must be a JSON object, not {input.ValueKind}.").ConfigureAwait(false);
            return null;
        }

        WorkflowDefinition? workflow;
        if (request.Workflow is not null)
        {
            if (request.FlowId is not null)
            {
                await ProblemWriter.InvalidRequestAsync(context, "Give either 'flowId' or 'workflow', not both.").ConfigureAwait(false);
                return null;
            }

            if (!_options.AllowInlineWorkflows)
            {
                await ProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, ExecutionStreamProblemTypes.Forbidden, "Inline workflows are not allowed",
                    "This host runs stored workflows only: send a 'flowId' (ExecutionStreamOptions.AllowInlineWorkflows is off).").ConfigureAwait(false);
                return null;
            }

            workflow = request.Workflow;
        }
        else if (!string.IsNullOrWhiteSpace(request.FlowId))
        {
            workflow = _store is null ? null : await _store.GetAsync(request.FlowId, context.RequestAborted).ConfigureAwait(false);
            if (workflow is null)
            {
                await ProblemWriter.NotFoundAsync(context, $"Flow '{Truncate(request.FlowId)}' was not found.").ConfigureAwait(false);
                return null;
            }
        }
        else
        {
            await ProblemWriter.InvalidRequestAsync(context, "The body must name a 'flowId' (or carry a 'workflow').").ConfigureAwait(false);
            return null;
        }

        try
        {
            return _engine.Start(workflow, new ExecutionRequest
            {
                InputData = request.InputData is { ValueKind: JsonValueKind.Object } data ? data : default,
                Mode = string.IsNullOrWhiteSpace(request.Mode) ? "manual" : request.Mode,
                OwnerId = ownerId,
            });
        }
        catch (WorkflowValidationException ex)
        {
            await ProblemWriter.InvalidWorkflowAsync(context, ex).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Reads a JSON body of at most <see cref="ExecutionStreamOptions.MaxRequestBodySize"/> bytes; answers 415/413/400 itself.</summary>
    private async Task<byte[]?> ReadBodyAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.HasJsonContentType())
        {
            await UnsupportedMediaTypeAsync(context).ConfigureAwait(false);
            return null;
        }

        var limit = _options.MaxRequestBodySize;
        if (request.ContentLength > limit)
        {
            await TooLargeAsync(context, limit).ConfigureAwait(false);
            return null;
        }

        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (buffer.Length > limit)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    await TooLargeAsync(context, limit).ConfigureAwait(false);
                    return null;
                }

                if (result.IsCompleted)
                {
                    var body = buffer.ToArray();
                    reader.AdvanceTo(buffer.End);
                    return body;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (BadHttpRequestException ex)
        {
            if (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await TooLargeAsync(context, limit).ConfigureAwait(false);
            }
            else
            {
                await ProblemWriter.InvalidRequestAsync(context, $"The body could not be read: {ex.Message}").ConfigureAwait(false);
            }

            return null;
        }
    }

    private static Task UnsupportedMediaTypeAsync(HttpContext context)
        => ProblemWriter.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType, ExecutionStreamProblemTypes.UnsupportedMediaType, "Unsupported media type",
            $"The request must be 'application/json', not '{Truncate(context.Request.ContentType ?? "(none)")}'.");

    private static Task TooLargeAsync(HttpContext context, long limit)
        => ProblemWriter.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ExecutionStreamProblemTypes.RequestTooLarge, "Request too large",
            $"The body is larger than {limit} bytes (ExecutionStreamOptions.MaxRequestBodySize).");

    private async Task<WorkflowExecution?> FindOwnedExecutionAsync(HttpContext context)
    {
        var (ok, callerId) = await TryGetCallerAsync(context).ConfigureAwait(false);
        if (!ok)
        {
            return null;
        }

        var raw = context.Request.RouteValues["id"] as string;
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            && _engine.TryGetExecution(id, out var execution)
            && string.Equals(execution.OwnerId, callerId, StringComparison.Ordinal))
        {
            return execution;
        }

        // Someone else's execution is answered exactly like one that does not exist.
        await ProblemWriter.NotFoundAsync(context, $"Execution '{Truncate(raw ?? "")}' was not found.").ConfigureAwait(false);
        return null;
    }

    /// <summary>The caller's user id (null when anonymous); 403 for an authenticated user without the id claim.</summary>
    private async Task<(bool Ok, string? UserId)> TryGetCallerAsync(HttpContext context)
    {
        if (context.User.Identity?.IsAuthenticated != true)
        {
            return (true, null);
        }

        var id = context.User.FindFirst(_options.UserIdClaimType)?.Value;
        if (!string.IsNullOrEmpty(id))
        {
            return (true, id);
        }

        await ProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, ExecutionStreamProblemTypes.Forbidden, "No user id",
            $"The authenticated user has no '{_options.UserIdClaimType}' claim to own executions by (ExecutionStreamOptions.UserIdClaimType).").ConfigureAwait(false);
        return (false, null);
    }

    private async Task WriteSummaryAsync(HttpContext context, WorkflowExecution execution, int status)
    {
        // One snapshot: status, timestamps, nodes and the last event id agree with each other.
        var snapshot = execution.GetSnapshot();
        var summary = new ExecutionSummary
        {
            ExecutionId = execution.Id,
            WorkflowId = execution.Workflow.Id,
            WorkflowName = execution.Workflow.Name,
            Mode = execution.Mode,
            Status = snapshot.Status,
            StartedAt = FormatTime(snapshot.StartedAt),
            FinishedAt = snapshot.FinishedAt is { } finished ? FormatTime(finished) : null,
            LastEventId = snapshot.LastSequence,
            Error = snapshot.ErrorMessage is { } message
                ? new SummaryError { Message = message, NodeName = snapshot.FailedNodeName }
                : null,
            Nodes = [.. snapshot.Nodes.Select(n => new NodeSummary
            {
                Name = n.Name,
                Type = n.Type,
                Status = n.Status,
                Attempts = n.Attempts,
                StartedAt = n.StartedAt is { } s ? FormatTime(s) : null,
                FinishedAt = n.FinishedAt is { } f ? FormatTime(f) : null,
                Output = n.Output,
                Error = n.ErrorMessage is { } e ? new SummaryError { Message = e } : null,
            })],
        };

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, summary, HttpJsonContext.Default.ExecutionSummary);
        }

        await ProblemWriter.WriteJsonAsync(context, status, "application/json; charset=utf-8", buffer).ConfigureAwait(false);
    }

    private static string FormatTime(DateTimeOffset time) => WireContract.WireTime.ToString(time);

    private static string StatusText(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => WireContract.WireNames.StatusRunning,
        ExecutionStatus.Paused => WireContract.WireNames.StatusPaused,
        ExecutionStatus.Success => WireContract.WireNames.StatusSuccess,
        ExecutionStatus.Error => WireContract.WireNames.StatusError,
        _ => WireContract.WireNames.StatusCanceled,
    };

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
