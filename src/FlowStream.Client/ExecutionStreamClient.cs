using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using FlowStream.Client.Internal;
using FlowStream.Client.Serialization;

namespace FlowStream.Client;

/// <summary>
/// A client of the execution endpoints a FlowStream server maps with <c>app.MapExecutionStream()</c>: start a workflow and
/// read its events live, attach to a running execution, read its status, cancel, pause and resume it.
/// </summary>
/// <remarks>
/// <para>
/// The client sends its requests through the <see cref="HttpClient"/> it is given, whose
/// <see cref="HttpClient.BaseAddress"/> is the server (a path in it is kept, so <c>https://host/api/</c> with the default
/// <see cref="ExecutionStreamClientOptions.BasePath"/> calls <c>https://host/api/executions</c>). Authentication,
/// handlers and the like are the <see cref="HttpClient"/>'s business. The client is thread-safe and holds no resources
/// of its own; it does not dispose the <see cref="HttpClient"/>.
/// </para>
/// <para>
/// Streams (<see cref="StartAndStreamAsync(StartExecutionRequest, CancellationToken)"/>, <see cref="AttachAsync"/>) are
/// read as they arrive; the <see cref="HttpClient.Timeout"/> covers only the wait for the response headers, not the
/// stream. An enumeration ends after the execution's <see cref="ExecutionEventTypes.ExecutionFinished"/> event.
/// </para>
/// <para>
/// When the connection drops mid-stream (an <see cref="HttpRequestException"/> or <see cref="IOException"/>, or the body
/// ends before <see cref="ExecutionEventTypes.ExecutionFinished"/>), the client re-attaches with
/// <c>GET {base}/{id}/stream</c> and <c>Last-Event-ID</c> set to the id of the last event it delivered, and goes on: the
/// caller sees every event exactly once, in order (events the server sends again are skipped by id). It waits
/// <see cref="ExecutionStreamClientOptions.InitialReconnectDelay"/> before the first attempt and twice as long before each
/// further one, up to <see cref="ExecutionStreamClientOptions.MaxReconnectDelay"/>; after
/// <see cref="ExecutionStreamClientOptions.MaxReconnectAttempts"/> attempts in a row without a new event the enumeration
/// ends with an <see cref="ExecutionStreamException"/> that says so, whose <see cref="Exception.InnerException"/> is the
/// last error and whose <see cref="ExecutionStreamException.ExecutionId"/> lets the caller attach again later. An answer of
/// 408, 429 or 5xx to a re-attach request counts as a failed attempt; any other error answer (404: the server no longer
/// keeps the execution; 401/403) ends the enumeration at once with its <see cref="ExecutionStreamException"/>. The
/// execution id to re-attach to comes from the <c>X-Execution-Id</c> header of the start response, else from the first
/// event's <c>data.executionId</c>. The first request of an enumeration is never repeated: its failure is the
/// enumeration's (an <see cref="ExecutionStreamException"/> for an error answer, the <see cref="HttpClient"/>'s exception
/// otherwise). Canceling the enumeration's token ends it with an <see cref="OperationCanceledException"/>, also during a
/// wait between attempts, and never re-attaches.
/// </para>
/// <para>
/// Execution tokens are carried transparently: the <c>FlowStream-Token</c> the server gives the starter of an execution is kept
/// (for the last 1,024 executions) and sent on every later request for that execution — attach, re-attach, status, output,
/// control — so an anonymous caller reaches its own executions. <see cref="SetExecutionToken"/> adds a token obtained elsewhere
/// (a share link).
/// </para>
/// </remarks>
public sealed class ExecutionStreamClient
{
    internal const string ExecutionIdHeader = "X-Execution-Id";

    /// <summary>The header that carries an execution token, both ways.</summary>
    internal const string TokenHeader = "FlowStream-Token";

    /// <summary>How many execution tokens the client keeps; the oldest is forgotten first.</summary>
    private const int MaxKeptTokens = 1024;

    private static readonly MediaTypeWithQualityHeaderValue s_eventStream = new("text/event-stream");
    private static readonly MediaTypeWithQualityHeaderValue s_json = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue s_problemJson = new("application/problem+json");
    private static readonly ReadOnlyMemory<byte> s_emptyJsonObject = "{}"u8.ToArray();

    private readonly HttpClient _httpClient;
    private readonly string _baseUri;
    private readonly Dictionary<long, string> _tokens = [];
    private readonly Queue<long> _tokenOrder = new();

    /// <summary>Initializes a new client.</summary>
    /// <param name="httpClient">The client that sends the requests; its <see cref="HttpClient.BaseAddress"/> must be the server's address.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults. They are copied: later changes have no effect.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="httpClient"/> has no absolute <see cref="HttpClient.BaseAddress"/>, or an option is out of its range.</exception>
    public ExecutionStreamClient(HttpClient httpClient, ExecutionStreamClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        if (httpClient.BaseAddress is not { IsAbsoluteUri: true } baseAddress)
        {
            throw new ArgumentException("The HttpClient needs an absolute BaseAddress: the address of the FlowStream server.", nameof(httpClient));
        }

        Options = Validate(options ?? new ExecutionStreamClientOptions());
        _httpClient = httpClient;
        _baseUri = baseAddress.AbsoluteUri.TrimEnd('/') + "/" + Options.BasePath.Trim('/');
        StreamUri = new Uri(_baseUri + "/stream");
    }

    internal ExecutionStreamClientOptions Options { get; }

    internal Uri StreamUri { get; }

    /// <summary>Starts an execution with <c>POST {base}/stream</c> and reads its events as they happen.</summary>
    /// <param name="request">What to run.</param>
    /// <param name="cancellationToken">Ends the enumeration (with an <see cref="OperationCanceledException"/>); the execution itself goes on.</param>
    /// <returns>The execution's events, from <see cref="ExecutionEventTypes.ExecutionStarted"/> to <see cref="ExecutionEventTypes.ExecutionFinished"/>. Nothing is sent until the enumeration starts.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="request"/> sets neither or both of <see cref="StartExecutionRequest.FlowId"/> and <see cref="StartExecutionRequest.Workflow"/>.</exception>
    /// <exception cref="ExecutionStreamException">While enumerating: the server refused the request (for example 400 invalid workflow, 404 unknown flow), or the stream could not be resumed (see <see cref="ExecutionStreamClient"/>).</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter's type (a request object or a flow id), so no call is ambiguous; the token is last and optional, as everywhere.")]
    public IAsyncEnumerable<ExecutionEvent> StartAndStreamAsync(StartExecutionRequest request, CancellationToken cancellationToken = default) =>
        ExecutionEventStream.StartAsync(this, Serialize(request), cancellationToken);

    /// <summary>Starts an execution of a workflow the server knows, with <c>POST {base}/stream</c>, and reads its events as they happen.</summary>
    /// <param name="flowId">The id of the workflow.</param>
    /// <param name="inputData">The execution's input; <see langword="default"/> for none.</param>
    /// <param name="cancellationToken">Ends the enumeration (with an <see cref="OperationCanceledException"/>); the execution itself goes on.</param>
    /// <returns>The execution's events, from <see cref="ExecutionEventTypes.ExecutionStarted"/> to <see cref="ExecutionEventTypes.ExecutionFinished"/>. Nothing is sent until the enumeration starts.</returns>
    /// <exception cref="ArgumentException"><paramref name="flowId"/> is <see langword="null"/> or empty.</exception>
    /// <exception cref="ExecutionStreamException">While enumerating: the server refused the request, or the stream could not be resumed.</exception>
    [SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "The overloads differ in their first parameter's type (a request object or a flow id), so no call is ambiguous; the token is last and optional, as everywhere.")]
    public IAsyncEnumerable<ExecutionEvent> StartAndStreamAsync(string flowId, JsonElement inputData = default, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(flowId);
        return StartAndStreamAsync(new StartExecutionRequest { FlowId = flowId, InputData = inputData }, cancellationToken);
    }

    /// <summary>Attaches to a running or recently finished execution with <c>GET {base}/{id}/stream</c> and reads its events after <paramref name="lastEventId"/>.</summary>
    /// <param name="executionId">The execution's id.</param>
    /// <param name="lastEventId">The id of the last event already seen (sent as <c>Last-Event-ID</c>); 0 (the default) reads from the first event.</param>
    /// <param name="cancellationToken">Ends the enumeration (with an <see cref="OperationCanceledException"/>).</param>
    /// <returns>The execution's events after <paramref name="lastEventId"/>, up to <see cref="ExecutionEventTypes.ExecutionFinished"/>. Nothing is sent until the enumeration starts.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="executionId"/> is not positive, or <paramref name="lastEventId"/> is negative.</exception>
    /// <exception cref="ExecutionStreamException">While enumerating: the server refused the request (404: unknown or no longer kept), or the stream could not be resumed.</exception>
    public IAsyncEnumerable<ExecutionEvent> AttachAsync(long executionId, long lastEventId = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(executionId);
        ArgumentOutOfRangeException.ThrowIfNegative(lastEventId);
        return ExecutionEventStream.AttachAsync(this, executionId, lastEventId, cancellationToken);
    }

    /// <summary>Starts an execution without streaming it, with <c>POST {base}</c> (the server answers 202 Accepted).</summary>
    /// <param name="request">What to run.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The new execution's summary; its <see cref="ExecutionSummary.ExecutionId"/> is what <see cref="AttachAsync"/> and the control methods take.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="request"/> sets neither or both of <see cref="StartExecutionRequest.FlowId"/> and <see cref="StartExecutionRequest.Workflow"/>.</exception>
    /// <exception cref="ExecutionStreamException">The server answered with an error (400, 404, 413, 415, …).</exception>
    public Task<ExecutionSummary> StartAsync(StartExecutionRequest request, CancellationToken cancellationToken = default) =>
        SendForSummaryAsync(HttpMethod.Post, new Uri(_baseUri), Serialize(request), executionId: null, cancellationToken);

    /// <summary>Reads the state of an execution with <c>GET {base}/{id}</c>.</summary>
    /// <param name="executionId">The execution's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The execution's summary.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="executionId"/> is not positive.</exception>
    /// <exception cref="ExecutionStreamException">The server answered with an error (404: unknown or no longer kept).</exception>
    public Task<ExecutionSummary> GetStatusAsync(long executionId, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(executionId);
        return SendForSummaryAsync(HttpMethod.Get, ExecutionUri(executionId, suffix: null), content: null, executionId, cancellationToken);
    }

    /// <summary>Cancels a running execution with <c>POST {base}/{id}/cancel</c>; its stream ends with <see cref="ExecutionEventTypes.ExecutionFinished"/> (status <c>canceled</c>).</summary>
    /// <param name="executionId">The execution's id.</param>
    /// <param name="cancellationToken">Cancels the request (not the execution).</param>
    /// <returns>The execution's summary as the server answered it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="executionId"/> is not positive.</exception>
    /// <exception cref="ExecutionStreamException">The server answered with an error (404 unknown, 409 already finished).</exception>
    public Task<ExecutionSummary> CancelAsync(long executionId, CancellationToken cancellationToken = default) =>
        ControlAsync(executionId, "cancel", cancellationToken);

    /// <summary>Pauses a running execution with <c>POST {base}/{id}/pause</c>: running nodes finish, no new node starts.</summary>
    /// <param name="executionId">The execution's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The execution's summary as the server answered it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="executionId"/> is not positive.</exception>
    /// <exception cref="ExecutionStreamException">The server answered with an error (404 unknown, 409 already finished).</exception>
    public Task<ExecutionSummary> PauseAsync(long executionId, CancellationToken cancellationToken = default) =>
        ControlAsync(executionId, "pause", cancellationToken);

    /// <summary>Resumes a paused execution with <c>POST {base}/{id}/resume</c>.</summary>
    /// <param name="executionId">The execution's id.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The execution's summary as the server answered it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="executionId"/> is not positive.</exception>
    /// <exception cref="ExecutionStreamException">The server answered with an error (404 unknown, 409 already finished).</exception>
    public Task<ExecutionSummary> ResumeAsync(long executionId, CancellationToken cancellationToken = default) =>
        ControlAsync(executionId, "resume", cancellationToken);

    /// <summary>Reads a node's whole output with <c>GET {base}/{id}/nodes/{nodeName}/output</c>, for example when its event said <see cref="NodeExecutionAfterData.DataTruncated"/>.</summary>
    /// <param name="executionId">The execution's id.</param>
    /// <param name="nodeName">The node's name.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The node's output.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="executionId"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="nodeName"/> is <see langword="null"/> or empty.</exception>
    /// <exception cref="ExecutionStreamException">The server answered with an error (404: unknown execution or node, or no output yet).</exception>
    public async Task<JsonElement> GetNodeOutputAsync(long executionId, string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(executionId);
        ArgumentException.ThrowIfNullOrEmpty(nodeName);
        var uri = ExecutionUri(executionId, "nodes/" + Uri.EscapeDataString(nodeName) + "/output");
        return await SendForJsonAsync(HttpMethod.Get, uri, content: null, executionId, ClientJsonContext.Default.JsonElement, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Mints a read-only token to share one execution, with <c>POST {base}/{id}/tokens</c> (the caller must own the execution or hold its execution token).</summary>
    /// <param name="executionId">The execution's id.</param>
    /// <param name="lifetime">How long the token is valid; <see langword="null"/> for the server's default (15 minutes). The server caps it.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The token and when it expires.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="executionId"/> is not positive, or <paramref name="lifetime"/> is not positive.</exception>
    /// <exception cref="ExecutionStreamException">The server answered with an error (404 unknown, 403 with a read-only token).</exception>
    public Task<ExecutionShareToken> CreateShareTokenAsync(long executionId, TimeSpan? lifetime = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(executionId);
        if (lifetime is { } value)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero, nameof(lifetime));
        }

        ReadOnlyMemory<byte> body = lifetime is { } l
            ? System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"expiresInSeconds\":{Math.Ceiling(l.TotalSeconds)}}}"))
            : s_emptyJsonObject;
        return SendForJsonAsync(HttpMethod.Post, ExecutionUri(executionId, "tokens"), body, executionId, ClientJsonContext.Default.ExecutionShareToken, cancellationToken);
    }

    /// <summary>Sets the token this client sends on its requests for one execution (a share token from a link, or a token kept elsewhere).</summary>
    /// <param name="executionId">The execution's id.</param>
    /// <param name="token">The token.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="executionId"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="token"/> is <see langword="null"/> or empty.</exception>
    public void SetExecutionToken(long executionId, string token)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(executionId);
        ArgumentException.ThrowIfNullOrEmpty(token);
        lock (_tokens)
        {
            if (!_tokens.ContainsKey(executionId))
            {
                _tokenOrder.Enqueue(executionId);
                while (_tokenOrder.Count > MaxKeptTokens && _tokenOrder.TryDequeue(out var oldest))
                {
                    _tokens.Remove(oldest);
                }
            }

            _tokens[executionId] = token;
        }
    }

    internal Uri AttachUri(long executionId) => ExecutionUri(executionId, "stream");

    internal async Task<HttpResponseMessage> SendStreamRequestAsync(HttpMethod method, Uri uri, ReadOnlyMemory<byte>? content, long lastEventId, CancellationToken cancellationToken, long? executionId = null)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.Add(s_eventStream);
        request.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        if (lastEventId > 0)
        {
            request.Headers.Add("Last-Event-ID", lastEventId.ToString(CultureInfo.InvariantCulture));
        }

        AddToken(request, executionId);
        request.Content = CreateContent(content);
        var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        KeepToken(response);
        return response;
    }

    private Task<ExecutionSummary> ControlAsync(long executionId, string action, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(executionId);

        // An empty JSON object: servers need no body now (their cross-origin check guards control requests), older ones required JSON.
        return SendForSummaryAsync(HttpMethod.Post, ExecutionUri(executionId, action), s_emptyJsonObject, executionId, cancellationToken);
    }

    private Task<ExecutionSummary> SendForSummaryAsync(HttpMethod method, Uri uri, ReadOnlyMemory<byte>? content, long? executionId, CancellationToken cancellationToken)
        => SendForJsonAsync(method, uri, content, executionId, ClientJsonContext.Default.ExecutionSummary, cancellationToken);

    private async Task<T> SendForJsonAsync<T>(HttpMethod method, Uri uri, ReadOnlyMemory<byte>? content, long? executionId, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        request.Headers.Accept.Add(s_json);
        request.Headers.Accept.Add(s_problemJson);
        AddToken(request, executionId);
        request.Content = CreateContent(content);
        using var response = await _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        KeepToken(response);
        if (!response.IsSuccessStatusCode)
        {
            throw await ProblemResponses.CreateExceptionAsync(response, executionId, cancellationToken).ConfigureAwait(false);
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            try
            {
                var value = await JsonSerializer.DeserializeAsync(body, typeInfo, cancellationToken).ConfigureAwait(false);
                return value is null ? throw new JsonException("The body is null.") : value;
            }
            catch (JsonException ex)
            {
                throw new ExecutionStreamException(
                    string.Create(CultureInfo.InvariantCulture, $"The server answered {(int)response.StatusCode} {response.ReasonPhrase} with a body that is not {(typeof(T) == typeof(ExecutionSummary) ? "an execution summary" : "the expected JSON")}: {ex.Message}"),
                    ex)
                {
                    ExecutionId = executionId,
                };
            }
        }
    }

    private void AddToken(HttpRequestMessage request, long? executionId)
    {
        if (executionId is not { } id || request.Headers.Contains(TokenHeader))
        {
            return;
        }

        string? token;
        lock (_tokens)
        {
            _tokens.TryGetValue(id, out token);
        }

        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation(TokenHeader, token);
        }
    }

    /// <summary>Keeps the token a start response carries (with the execution's id), for the later requests of that execution.</summary>
    private void KeepToken(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues(TokenHeader, out var tokens)
            && response.Headers.TryGetValues(ExecutionIdHeader, out var ids)
            && long.TryParse(ids.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            && tokens.FirstOrDefault() is { Length: > 0 } token)
        {
            SetExecutionToken(id, token);
        }
    }

    private Uri ExecutionUri(long executionId, string? suffix) =>
        new(suffix is null
            ? string.Create(CultureInfo.InvariantCulture, $"{_baseUri}/{executionId}")
            : string.Create(CultureInfo.InvariantCulture, $"{_baseUri}/{executionId}/{suffix}"));

    private static ReadOnlyMemoryContent? CreateContent(ReadOnlyMemory<byte>? body)
    {
        if (body is not { } bytes)
        {
            return null;
        }

        var content = new ReadOnlyMemoryContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static ReadOnlyMemory<byte> Serialize(StartExecutionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((request.FlowId is null) == (request.Workflow is null))
        {
            throw new ArgumentException("Set exactly one of FlowId (a workflow the server knows) and Workflow (an inline definition).", nameof(request));
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (request.FlowId is { } flowId)
            {
                writer.WriteString("flowId"u8, flowId);
            }

            if (request.Workflow is { } workflow)
            {
                writer.WritePropertyName("workflow"u8);
                workflow.WriteTo(writer);
            }

            if (request.InputData.ValueKind != JsonValueKind.Undefined)
            {
                writer.WritePropertyName("inputData"u8);
                request.InputData.WriteTo(writer);
            }

            if (request.Mode is { } mode)
            {
                writer.WriteString("mode"u8, mode);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static ExecutionStreamClientOptions Validate(ExecutionStreamClientOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.BasePath) || options.BasePath.Trim('/').Length == 0)
        {
            throw new ArgumentException("ExecutionStreamClientOptions.BasePath must name a path, such as /executions.", nameof(options));
        }

        if (options.MaxReconnectAttempts < 0)
        {
            throw new ArgumentException("ExecutionStreamClientOptions.MaxReconnectAttempts must not be negative.", nameof(options));
        }

        if (options.InitialReconnectDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("ExecutionStreamClientOptions.InitialReconnectDelay must not be negative.", nameof(options));
        }

        if (options.MaxReconnectDelay < options.InitialReconnectDelay)
        {
            throw new ArgumentException("ExecutionStreamClientOptions.MaxReconnectDelay must not be less than InitialReconnectDelay.", nameof(options));
        }

        return new ExecutionStreamClientOptions
        {
            BasePath = options.BasePath,
            MaxReconnectAttempts = options.MaxReconnectAttempts,
            InitialReconnectDelay = options.InitialReconnectDelay,
            MaxReconnectDelay = options.MaxReconnectDelay,
            TimeProvider = options.TimeProvider ?? throw new ArgumentException("ExecutionStreamClientOptions.TimeProvider must not be null.", nameof(options)),
        };
    }
}
