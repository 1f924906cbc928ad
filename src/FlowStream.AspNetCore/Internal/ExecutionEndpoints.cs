using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace FlowStream.AspNetCore.Internal;

/// <summary>The request handlers behind <c>MapExecutionStream()</c>.</summary>
internal sealed partial class ExecutionEndpoints
{
    /// <summary>The header that carries an execution token, both ways.</summary>
    public const string TokenHeader = "FlowStream-Token";

    /// <summary>The query parameter that carries an execution token for a browser <c>EventSource</c>, which cannot set headers.</summary>
    public const string TokenQuery = "access_token";

    /// <summary>What a caller over the stream limit is told to wait, in seconds.</summary>
    private const int StreamLimitRetryAfterSeconds = 5;

    private readonly IWorkflowEngine _engine;
    private readonly IWorkflowStore? _store;
    private readonly IExecutionDirectory _directory;
    private readonly IExecutionEventReader _events;
    private readonly ExecutionStreamOptions _options;
    private readonly ExecutionStreamer _streamer;
    private readonly ExecutionTokens _tokens;
    private readonly CrossOriginProtection _crossOrigin;
    private readonly int _eventDataLimit;
    private readonly Dictionary<long, int> _openStreams = [];

    public ExecutionEndpoints(
        IWorkflowEngine engine,
        IWorkflowStore? store,
        IExecutionDirectory directory,
        IExecutionEventReader events,
        ExecutionStreamOptions options,
        ExecutionTokens tokens,
        int eventDataLimit,
        TimeProvider timeProvider,
        ILogger logger,
        CancellationToken hostStopping = default)
    {
        _engine = engine;
        _store = store;
        _directory = directory;
        _events = events;
        _options = options;
        _tokens = tokens;
        _eventDataLimit = eventDataLimit;
        _crossOrigin = new CrossOriginProtection(options.TrustedOrigins);
        _streamer = new ExecutionStreamer(events, options, timeProvider, logger, hostStopping);
    }

    /// <summary><c>POST {pattern}/stream</c>: start, then stream every event of the new execution.</summary>
    public async Task StartAndStreamAsync(HttpContext context)
    {
        var execution = await StartFromBodyAsync(context).ConfigureAwait(false);
        if (execution is null)
        {
            return;
        }

        WriteStartHeaders(context, execution);
        await StreamCountedAsync(context, execution.Id, execution, 0, _options.CancelOnDisconnect).ConfigureAwait(false);
    }

    /// <summary><c>POST {pattern}</c>: start; 202 with the execution's location and summary.</summary>
    public async Task StartAsync(HttpContext context)
    {
        var execution = await StartFromBodyAsync(context).ConfigureAwait(false);
        if (execution is null)
        {
            return;
        }

        var token = WriteStartHeaders(context, execution);
        var path = context.Request.Path.Value?.TrimEnd('/') ?? "";
        context.Response.Headers.Location = $"{context.Request.PathBase}{path}/{ExecutionStreamer.FormatId(execution.Id)}";
        await WriteSummaryAsync(context, ExecutionInfo.FromLocal(execution), StatusCodes.Status202Accepted, token).ConfigureAwait(false);
    }

    /// <summary><c>GET {pattern}/{id}/stream</c>: replay after <c>Last-Event-ID</c>, then follow live.</summary>
    public async Task AttachAsync(HttpContext context)
    {
        var execution = await FindExecutionAsync(context, ExecutionAccess.Read).ConfigureAwait(false);
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

        // "Finished?" and "last sequence" come from one description, finished read first: read the other way round, a resume
        // racing the end could see the last id before executionFinished was appended, then "finished", and answer 204 to a
        // client that never got executionFinished.
        var isFinished = execution.IsFinished;
        var last = execution.LastSequence;
        if (afterSequence > last)
        {
            await ProblemWriter.WriteAsync(context, StatusCodes.Status400BadRequest, ExecutionStreamProblemTypes.InvalidLastEventId, "Invalid Last-Event-ID",
                $"Last-Event-ID {afterSequence} is beyond the last event ({last}) of execution {execution.ExecutionId}: event ids are per execution.").ConfigureAwait(false);
            return;
        }

        if (isFinished && afterSequence == last)
        {
            // Nothing will ever follow: 204 tells a browser EventSource to stop reconnecting.
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        await StreamCountedAsync(context, execution.ExecutionId, execution.Local, afterSequence, cancelOnDisconnect: false).ConfigureAwait(false);
    }

    /// <summary><c>GET {pattern}/{id}</c>: the execution's summary.</summary>
    public async Task GetStatusAsync(HttpContext context)
    {
        var execution = await FindExecutionAsync(context, ExecutionAccess.Read).ConfigureAwait(false);
        if (execution is not null)
        {
            await WriteSummaryAsync(context, execution, StatusCodes.Status200OK).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>POST {pattern}/{id}/cancel|pause|resume</c>. No body is needed (<c>curl -X POST</c> works): cross-site browser requests are
    /// refused by the origin check instead. A read-only (share) token gets 403.
    /// </summary>
    public async Task ControlAsync(HttpContext context, ExecutionCommand command, string verb)
    {
        if (!await CheckOriginAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var execution = await FindExecutionAsync(context, ExecutionAccess.Control).ConfigureAwait(false);
        if (execution is null)
        {
            return;
        }

        bool applied;
        ExecutionInfo? after;
        try
        {
            // Answered once the host that runs the execution has applied the command (this one, or another behind a backplane).
            applied = await _directory.ControlAsync(execution.ExecutionId, command, context.RequestAborted).ConfigureAwait(false);
            after = await _directory.FindAsync(execution.ExecutionId, context.RequestAborted).ConfigureAwait(false);
        }
        catch (ExecutionStoreUnavailableException ex)
        {
            await StoreUnavailableAsync(context, ex).ConfigureAwait(false);
            return;
        }

        after ??= execution;
        if (!applied)
        {
            await ProblemWriter.WriteAsync(context, StatusCodes.Status409Conflict, ExecutionStreamProblemTypes.ExecutionFinished, "Execution finished",
                $"Execution {execution.ExecutionId} has already finished ({StatusText(after.Status)}); it cannot be {verb}.").ConfigureAwait(false);
            return;
        }

        await WriteSummaryAsync(context, after, StatusCodes.Status202Accepted).ConfigureAwait(false);
    }

    /// <summary><c>GET {pattern}/{id}/nodes/{nodeName}/output</c>: a node's whole output (the claim check of a truncated event).</summary>
    public async Task GetNodeOutputAsync(HttpContext context)
    {
        var execution = await FindExecutionAsync(context, ExecutionAccess.Read).ConfigureAwait(false);
        if (execution is null)
        {
            return;
        }

        // The server decodes every escape of the path but %2F; a node name may hold a '/'.
        var name = context.Request.RouteValues["nodeName"] as string ?? "";
        IReadOnlyList<NodeExecutionState> states;
        try
        {
            states = (await execution.GetSnapshotAsync(context.RequestAborted).ConfigureAwait(false)).Nodes;
        }
        catch (ExecutionStoreUnavailableException ex)
        {
            await StoreUnavailableAsync(context, ex).ConfigureAwait(false);
            return;
        }

        var node = states.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.Ordinal))
            ?? states.FirstOrDefault(n => string.Equals(n.Name, name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase), StringComparison.Ordinal));
        if (node is null)
        {
            await ProblemWriter.NotFoundAsync(context, $"Execution {execution.ExecutionId} has no node '{Truncate(name)}'.").ConfigureAwait(false);
            return;
        }

        var found = node.Output;
        if (found is not { ValueKind: not JsonValueKind.Undefined } && execution.Local is null && node.Status is NodeExecutionStatus.Success or NodeExecutionStatus.Error)
        {
            // Another host runs it: a large output is kept beside the summary, not in it.
            try
            {
                found = await _directory.GetNodeOutputAsync(execution.ExecutionId, node.Name, context.RequestAborted).ConfigureAwait(false);
            }
            catch (ExecutionStoreUnavailableException ex)
            {
                await StoreUnavailableAsync(context, ex).ConfigureAwait(false);
                return;
            }
        }

        if (found is not { ValueKind: not JsonValueKind.Undefined } output)
        {
            await ProblemWriter.NotFoundAsync(context, $"Node '{Truncate(name)}' of execution {execution.ExecutionId} has no output ({JsonNamingPolicy.CamelCase.ConvertName(node.Status.ToString())}).").ConfigureAwait(false);
            return;
        }

        // The output's own bytes, as retained: no re-serialization of what may be megabytes.
        var raw = JsonMarshal.GetRawUtf8Value(output).ToArray();
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = raw.Length;
        response.Headers.CacheControl = "no-store";
        await response.Body.WriteAsync(raw, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST {pattern}/{id}/tokens</c>, body <c>{"expiresInSeconds": n}</c> (optional): mints a read-only share token. Only the owner or
    /// the holder of the execution token may; a share token's holder gets 403.
    /// </summary>
    public async Task CreateShareTokenAsync(HttpContext context)
    {
        if (!await CheckOriginAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var execution = await FindExecutionAsync(context, ExecutionAccess.Control).ConfigureAwait(false);
        if (execution is null)
        {
            return;
        }

        var lifetime = _options.DefaultShareTokenLifetime;
        if (context.Request.ContentLength is not 0 && (context.Request.ContentLength is not null || context.Request.ContentType is not null))
        {
            var body = await ReadBodyAsync(context).ConfigureAwait(false);
            if (body is null)
            {
                return;
            }

            TokenRequestBody? request;
            try
            {
                request = body.Length == 0 ? null : JsonSerializer.Deserialize(body, HttpJsonContext.Default.TokenRequestBody);
            }
            catch (JsonException ex)
            {
                await ProblemWriter.InvalidRequestAsync(context, $"The body is not a valid request: {ex.Message}").ConfigureAwait(false);
                return;
            }

            if (request?.ExpiresInSeconds is { } seconds)
            {
                if (!(seconds > 0) || double.IsInfinity(seconds))
                {
                    await ProblemWriter.InvalidRequestAsync(context, "'expiresInSeconds' must be a positive number of seconds.").ConfigureAwait(false);
                    return;
                }

                lifetime = seconds >= _options.MaxShareTokenLifetime.TotalSeconds ? _options.MaxShareTokenLifetime : TimeSpan.FromSeconds(seconds);
            }
        }

        var (token, expiresAt) = _tokens.Create(execution.ExecutionId, ExecutionAccess.Read, lifetime);
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, new TokenResponse { Token = token, ExpiresAt = FormatTime(expiresAt), ExecutionId = execution.ExecutionId, Access = "read" }, HttpJsonContext.Default.TokenResponse);
        }

        await ProblemWriter.WriteJsonAsync(context, StatusCodes.Status200OK, "application/json; charset=utf-8", buffer).ConfigureAwait(false);
    }

    private async Task<WorkflowExecution?> StartFromBodyAsync(HttpContext context)
    {
        if (!await CheckOriginAsync(context).ConfigureAwait(false))
        {
            return null;
        }

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

        if (!string.IsNullOrEmpty(request.Mode) && !ModePattern().IsMatch(request.Mode))
        {
            await ProblemWriter.InvalidRequestAsync(context, "'mode' must be a short identifier: a letter, then at most 31 letters, digits, '_' or '-'.").ConfigureAwait(false);
            return null;
        }

        WorkflowDefinition? workflow;
        if (request.Workflow is { ValueKind: not JsonValueKind.Null } inline)
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

            try
            {
                // The one parsing path of every workflow, as the stores use it: the same defaults for omitted properties.
                workflow = WorkflowDefinition.FromJson(JsonMarshal.GetRawUtf8Value(inline));
            }
            catch (JsonException ex)
            {
                await ProblemWriter.InvalidRequestAsync(context, $"'workflow' is not a valid workflow: {ex.Message}").ConfigureAwait(false);
                return null;
            }
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

        WorkflowExecution execution;
        try
        {
            execution = _engine.Start(workflow, new ExecutionRequest
            {
                InputData = request.InputData is { ValueKind: JsonValueKind.Object } data ? data : default,
                Mode = string.IsNullOrEmpty(request.Mode) ? "manual" : request.Mode,
                OwnerId = ownerId,
                QuotaPartition = QuotaPartitionOf(context, ownerId),
            });
        }
        catch (WorkflowValidationException ex)
        {
            await ProblemWriter.InvalidWorkflowAsync(context, ex).ConfigureAwait(false);
            return null;
        }
        catch (ExecutionStoreUnavailableException ex)
        {
            await StoreUnavailableAsync(context, ex).ConfigureAwait(false);
            return null;
        }
        catch (ExecutionQuotaExceededException ex)
        {
            await TooManyRequestsAsync(context, ex.RetryAfter, $"Too many running executions: at most {ex.Limit} may run at once {(ex.Scope == "owner" ? "per caller (FlowStreamOptions.MaxRunningExecutionsPerOwner)" : "on this host (FlowStreamOptions.MaxRunningExecutions)")}.", writer =>
            {
                writer.WriteString("scope"u8, ex.Scope);
                writer.WriteNumber("limit"u8, ex.Limit);
            }).ConfigureAwait(false);
            return null;
        }

        // Behind a load balancer the client may come back through another host at once (a dropped stream re-attached, a status
        // poll): the id goes out only once every host can find the execution. Bounded by the backplane; never fails the start.
        try
        {
            await _directory.WaitUntilVisibleAsync(execution.Id, context.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; the execution runs on (the stream endpoint decides what its disconnect means).
        }

        return execution;
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

    /// <summary>
    /// The execution named by the route, when the caller may have <paramref name="needed"/> access to it: its owner, or the holder of
    /// a valid token for it. Anybody else gets 404, exactly as for an id that does not exist; a read-only token used to control gets 403.
    /// </summary>
    private async Task<ExecutionInfo?> FindExecutionAsync(HttpContext context, ExecutionAccess needed)
    {
        var (ok, callerId) = await TryGetCallerAsync(context).ConfigureAwait(false);
        if (!ok)
        {
            return null;
        }

        var raw = context.Request.RouteValues["id"] as string;
        ExecutionInfo? execution = null;
        var parsed = long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id);
        var tokenAccess = parsed ? _tokens.Check(TokenOf(context.Request), id) : ExecutionAccess.None;

        // Nothing is looked up for a caller who can see nothing (anonymous, no valid token): a stranger costs no store read.
        if (parsed && (callerId is not null || tokenAccess != ExecutionAccess.None))
        {
            try
            {
                execution = await _directory.FindAsync(id, context.RequestAborted).ConfigureAwait(false);
            }
            catch (ExecutionStoreUnavailableException ex)
            {
                await StoreUnavailableAsync(context, ex).ConfigureAwait(false);
                return null;
            }
        }

        if (execution is not null)
        {
            var access = execution.OwnerId is not null && string.Equals(execution.OwnerId, callerId, StringComparison.Ordinal)
                ? ExecutionAccess.Control
                : tokenAccess;
            if (access >= needed)
            {
                return execution;
            }

            if (access == ExecutionAccess.Read)
            {
                await ProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, ExecutionStreamProblemTypes.Forbidden, "Read-only token",
                    $"This token can stream execution {id} and read its status and outputs, not control it or share it.").ConfigureAwait(false);
                return null;
            }
        }

        // Someone else's execution is answered exactly like one that does not exist; anonymous callers share nothing.
        await ProblemWriter.NotFoundAsync(context, $"Execution '{Truncate(raw ?? "")}' was not found.").ConfigureAwait(false);
        return null;
    }

    private static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers[TokenHeader];
        return !StringValues.IsNullOrEmpty(header) ? header.ToString() : request.Query[TokenQuery].ToString();
    }

    /// <summary>Gives the starter its execution token (header on both starts) and the id header; returns the token.</summary>
    private string WriteStartHeaders(HttpContext context, WorkflowExecution execution)
    {
        var (token, _) = _tokens.Create(execution.Id, ExecutionAccess.Control, _options.ExecutionTokenLifetime);
        context.Response.Headers["X-Execution-Id"] = ExecutionStreamer.FormatId(execution.Id);
        context.Response.Headers[TokenHeader] = token;
        return token;
    }

    private string QuotaPartitionOf(HttpContext context, string? userId)
        => _options.QuotaPartition?.Invoke(context)
            ?? userId
            ?? "anonymous:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private async Task<bool> CheckOriginAsync(HttpContext context)
    {
        if (_crossOrigin.Allows(context.Request, out var reason))
        {
            return true;
        }

        await ProblemWriter.WriteAsync(context, StatusCodes.Status403Forbidden, ExecutionStreamProblemTypes.CrossOriginRequest, "Cross-origin request", reason).ConfigureAwait(false);
        return false;
    }

    /// <summary>Streams while counting the execution's open streams; one over <see cref="ExecutionStreamOptions.MaxStreamsPerExecution"/> gets 429.</summary>
    private async Task StreamCountedAsync(HttpContext context, long executionId, WorkflowExecution? local, long afterSequence, bool cancelOnDisconnect)
    {
        bool acquired;
        lock (_openStreams)
        {
            _openStreams.TryGetValue(executionId, out var open);
            acquired = open < _options.MaxStreamsPerExecution;
            if (acquired)
            {
                _openStreams[executionId] = open + 1;
            }
        }

        if (!acquired)
        {
            await TooManyRequestsAsync(context, TimeSpan.FromSeconds(StreamLimitRetryAfterSeconds),
                $"Execution {executionId} already has {_options.MaxStreamsPerExecution} open streams (ExecutionStreamOptions.MaxStreamsPerExecution).").ConfigureAwait(false);
            return;
        }

        try
        {
            await _streamer.StreamAsync(context, executionId, local, afterSequence, cancelOnDisconnect).ConfigureAwait(false);
        }
        finally
        {
            lock (_openStreams)
            {
                if (_openStreams.TryGetValue(executionId, out var open) && open > 1)
                {
                    _openStreams[executionId] = open - 1;
                }
                else
                {
                    _openStreams.Remove(executionId);
                }
            }
        }
    }

    private static Task StoreUnavailableAsync(HttpContext context, ExecutionStoreUnavailableException exception)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(exception.RetryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ProblemWriter.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ExecutionStreamProblemTypes.StoreUnavailable, "Execution store unavailable", exception.Message,
            writer => writer.WriteNumber("retryAfterSeconds"u8, seconds));
    }

    private static Task TooManyRequestsAsync(HttpContext context, TimeSpan retryAfter, string detail, Action<Utf8JsonWriter>? extensions = null)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ProblemWriter.WriteAsync(context, StatusCodes.Status429TooManyRequests, ExecutionStreamProblemTypes.QuotaExceeded, "Too many requests", detail, writer =>
        {
            writer.WriteNumber("retryAfterSeconds"u8, seconds);
            extensions?.Invoke(writer);
        });
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

    private async Task WriteSummaryAsync(HttpContext context, ExecutionInfo execution, int status, string? accessToken = null)
    {
        // One snapshot: status, timestamps, nodes and the last event id agree with each other.
        ExecutionSnapshot snapshot;
        try
        {
            snapshot = await execution.GetSnapshotAsync(context.RequestAborted).ConfigureAwait(false);
        }
        catch (ExecutionStoreUnavailableException ex)
        {
            await StoreUnavailableAsync(context, ex).ConfigureAwait(false);
            return;
        }

        var summary = new ExecutionSummary
        {
            ExecutionId = execution.ExecutionId,
            WorkflowId = execution.WorkflowId,
            WorkflowName = execution.WorkflowName ?? "",
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
                Output = OutputBytes(n.Output) > _eventDataLimit ? null : n.Output,
                OutputTruncated = OutputBytes(n.Output) > _eventDataLimit ? true : null,
                OutputBytes = OutputBytes(n.Output) is var size && size > _eventDataLimit ? size : null,
                Error = n.ErrorMessage is { } e ? new SummaryError { Message = e } : null,
            })],
            AccessToken = accessToken,
        };

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, summary, HttpJsonContext.Default.ExecutionSummary);
        }

        await ProblemWriter.WriteJsonAsync(context, status, "application/json; charset=utf-8", buffer).ConfigureAwait(false);
    }

    /// <summary>The UTF-8 size of an output as it would be sent; 0 for none.</summary>
    private static int OutputBytes(JsonElement? output)
    {
        return output is { ValueKind: not JsonValueKind.Undefined } value ? JsonMarshal.GetRawUtf8Value(value).Length : 0;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModePattern();

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
