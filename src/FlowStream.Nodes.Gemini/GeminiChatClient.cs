using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using FlowStream.Nodes.Gemini.Client;
using FlowStream.Nodes.Gemini.DependencyInjection;
using FlowStream.Nodes.Gemini.Diagnostics;
using FlowStream.Nodes.Gemini.Wire;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowStream.Nodes.Gemini;

/// <summary>
/// An <see cref="IChatClient"/> over the Gemini REST API (<c>v1beta</c>, no Google SDK): <c>generateContent</c> for
/// <see cref="GetResponseAsync"/>, <c>streamGenerateContent?alt=sse</c> for <see cref="GetStreamingResponseAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// <c>services.AddFlowStream().AddGemini()</c> registers it as a typed <see cref="HttpClient"/> client and as the keyed
/// <see cref="IChatClient"/> <c>"gemini"</c>; it can also be created directly over any <see cref="HttpClient"/>.
/// </para>
/// <para>
/// Requests: system messages and <see cref="ChatOptions.Instructions"/> become <c>systemInstruction</c>; user and assistant
/// messages become <c>contents</c> (text, <see cref="DataContent"/> as <c>inlineData</c>, <see cref="UriContent"/> as <c>fileData</c>);
/// <see cref="ChatOptions.ModelId"/> (else <see cref="GeminiOptions.DefaultModel"/>), temperature, top-p, top-k, max output tokens,
/// stop sequences, seed, penalties and the response format (<c>responseMimeType</c>, <c>responseJsonSchema</c>) map to
/// <c>generationConfig</c>. Tools are not supported.
/// </para>
/// <para>
/// Responses: the text of the parts that are not thoughts (thought summaries come back as <see cref="TextReasoningContent"/>),
/// <see cref="ChatResponse.ModelId"/> from <c>modelVersion</c>, <see cref="ChatResponse.ResponseId"/> from <c>responseId</c>, the
/// finish reason (<c>STOP</c> → stop, <c>MAX_TOKENS</c> → length, <c>SAFETY</c>, <c>RECITATION</c> and the like → content_filter,
/// others as sent) with the API's own value in <see cref="ChatResponse.AdditionalProperties"/> under <see cref="FinishReasonProperty"/>,
/// a blocked prompt's reason under <see cref="BlockReasonProperty"/>, and usage: input = <c>promptTokenCount</c>, output =
/// <c>candidatesTokenCount</c> + <c>thoughtsTokenCount</c> (reasoning counts as output, as Microsoft.Extensions.AI defines it),
/// reasoning = <c>thoughtsTokenCount</c>, total = <c>totalTokenCount</c>. A stream reports the usage once, in a last update,
/// because the API's counts are cumulative. A blocked prompt or a safety finish is a response, not an exception.
/// </para>
/// <para>
/// Failures throw <see cref="GeminiException"/> with the API's status and message. Redirects are not followed by the client
/// <c>AddGemini()</c> registers; a unary body above <see cref="GeminiOptions.MaxResponseBytes"/> and a stream line above
/// <see cref="GeminiOptions.MaxStreamLineBytes"/> fail the request. 408, 429, 5xx and transport failures or
/// timeouts are retried (server's <c>RetryInfo.retryDelay</c>, then <c>Retry-After</c>, then exponential backoff with jitter, within
/// <see cref="GeminiOptions.MaxAttempts"/> and <see cref="GeminiOptions.MaxTotalWait"/>); a stream only until its first chunk.
/// With no API key, <see cref="InvalidOperationException"/> <c>API key not configured</c> is thrown before anything is sent.
/// The key is sent only in the <c>x-goog-api-key</c> header and appears in no URL, log line or exception message.
/// </para>
/// </remarks>
public sealed class GeminiChatClient : IChatClient
{
    /// <summary>The key of <see cref="ChatResponse.AdditionalProperties"/> holding the API's own finish reason, for example <c>STOP</c>.</summary>
    public const string FinishReasonProperty = "finishReason";

    /// <summary>The key of <see cref="ChatResponse.AdditionalProperties"/> holding the API's <c>finishMessage</c>, when it sent one.</summary>
    public const string FinishMessageProperty = "finishMessage";

    /// <summary>The key of <see cref="ChatResponse.AdditionalProperties"/> holding <c>promptFeedback.blockReason</c> when the prompt was blocked.</summary>
    public const string BlockReasonProperty = "blockReason";

    /// <summary>The key of <see cref="ChatResponse.AdditionalProperties"/> holding <c>promptFeedback.blockReasonMessage</c>, when sent.</summary>
    public const string BlockReasonMessageProperty = "blockReasonMessage";

    /// <summary>The name of the <see cref="HttpClient"/> that <c>AddGemini()</c> registers for this client: <c>FlowStream.Gemini</c>.</summary>
    public const string HttpClientName = "FlowStream.Gemini";

    private const string ApiKeyHeader = "x-goog-api-key";
    private const int MaxErrorBodyBytes = 64 * 1024;
    private const string UnaryOperation = "generateContent";
    private const string StreamOperation = "streamGenerateContent";

    private readonly HttpClient _httpClient;
    private readonly Func<GeminiOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Initializes a new client over an <see cref="HttpClient"/>, outside dependency injection.</summary>
    /// <param name="httpClient">Sends the requests. Its <see cref="HttpClient.Timeout"/> should be infinite or longer than <see cref="GeminiOptions.Timeout"/>, which this client enforces itself. Not disposed by the client.</param>
    /// <param name="options">The options (read at each request, so later changes count); <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock for timeouts and retry waits; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">A logger; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="options"/> has an out-of-range value.</exception>
    public GeminiChatClient(HttpClient httpClient, GeminiOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        options ??= new GeminiOptions();
        var failures = GeminiOptionsValidator.GetFailures(options);
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _httpClient = httpClient;
        _options = () => options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The constructor of the typed client registered by <c>AddGemini</c>: options from the monitor, at each request.</summary>
    internal GeminiChatClient(HttpClient httpClient, IOptionsMonitor<GeminiOptions> options, TimeProvider timeProvider, ILogger logger)
    {
        _httpClient = httpClient;
        _options = () => options.CurrentValue;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No API key is configured (<c>API key not configured</c>); nothing was sent.</exception>
    /// <exception cref="GeminiException">The API answered with an error, or every allowed attempt failed.</exception>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = Prepare(messages, options, stream: false);
        var started = _timeProvider.GetTimestamp();
        var retry = new GeminiRetry(request.Settings, _timeProvider, _logger, UnaryOperation, request.Model);
        while (true)
        {
            retry.BeginAttempt();
            GeminiFailure failure;
            using (var timeout = new AttemptTimeout(request.Settings.Timeout, _timeProvider, cancellationToken))
            {
                try
                {
                    using var message = CreateHttpRequest(request);
                    using var response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        failure = await ReadErrorAsync(response, request.ApiKey, timeout.Token).ConfigureAwait(false);
                    }
                    else
                    {
                        var body = await ReadCappedAsync(response.Content, request.Settings.MaxResponseBytes, timeout.Token).ConfigureAwait(false);
                        var wire = body is null || body.Length == 0 ? null : JsonSerializer.Deserialize(body, GeminiJsonContext.Default.GenerateContentResponse);
                        if (body is null)
                        {
                            failure = TooLarge(request.Settings.MaxResponseBytes);
                        }
                        else if (wire is null)
                        {
                            failure = GeminiFailure.Empty("Gemini API returned an empty response.");
                        }
                        else if (wire.Error is { } error)
                        {
                            failure = GeminiFailure.FromApiError(error, (int)response.StatusCode, null, request.ApiKey);
                        }
                        else
                        {
                            var chat = GeminiResponseMapper.ToChatResponse(wire, request.Model);
                            Log.Completed(
                                _logger, UnaryOperation, request.Model, wire.Candidates?.FirstOrDefault()?.FinishReason ?? wire.PromptFeedback?.BlockReason ?? "none",
                                retry.Attempt, (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds, chat.Usage?.InputTokenCount, chat.Usage?.OutputTokenCount);
                            return chat;
                        }
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (OperationCanceledException ex)
                {
                    failure = GeminiFailure.Timeout(timeout.Timeout, ex);
                }
                catch (Exception ex) when (ex is HttpRequestException or IOException)
                {
                    failure = GeminiFailure.Transport(ex, request.ApiKey);
                }
                catch (JsonException ex)
                {
                    failure = GeminiFailure.InvalidResponse("Gemini API returned a response that is not valid JSON.", ex);
                }
            }

            await retry.WaitOrThrowAsync(failure, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Failures before the first chunk are retried like those of <see cref="GetResponseAsync"/>; after it, a broken stream, an
    /// <c>{"error": ...}</c> chunk or a stalled stream (no chunk within <see cref="GeminiOptions.Timeout"/>) throws
    /// <see cref="GeminiException"/> at once, since part of the response was already delivered.
    /// </remarks>
    /// <exception cref="InvalidOperationException">No API key is configured (<c>API key not configured</c>); nothing was sent.</exception>
    /// <exception cref="GeminiException">The API answered with an error, every allowed attempt failed, or the stream broke off.</exception>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = Prepare(messages, options, stream: true);
        var started = _timeProvider.GetTimestamp();
        var session = await OpenStreamAsync(request, cancellationToken).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            var chunk = session.First;
            var chunks = 0;
            UsageMetadata? usage = null;
            string? responseId = null;
            string? modelVersion = null;
            string? finishReason = null;
            while (chunk is not null)
            {
                chunks++;
                usage = chunk.UsageMetadata ?? usage;
                responseId = chunk.ResponseId ?? responseId;
                modelVersion = chunk.ModelVersion ?? modelVersion;
                finishReason = chunk.Candidates?.FirstOrDefault()?.FinishReason ?? chunk.PromptFeedback?.BlockReason ?? finishReason;
                yield return GeminiResponseMapper.ToUpdate(chunk, request.Model);
                chunk = await session.ReadNextAsync(chunks, cancellationToken).ConfigureAwait(false);
            }

            var details = GeminiResponseMapper.MapUsage(usage);
            Log.Completed(
                _logger, StreamOperation, request.Model, finishReason ?? "none", session.Attempts, (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds,
                details?.InputTokenCount, details?.OutputTokenCount);
            if (details is not null)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(details)])
                {
                    ResponseId = responseId,
                    MessageId = responseId,
                    ModelId = modelVersion ?? request.Model,
                };
            }
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            var settings = _options();
            return new ChatClientMetadata("gcp.gemini", settings.BaseUrl, GeminiModelName.TryNormalize(settings.DefaultModel, out var model) ? model : settings.DefaultModel);
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <summary>Does nothing: the <see cref="HttpClient"/> belongs to whoever gave it.</summary>
    public void Dispose()
    {
    }

    private PreparedRequest Prepare(IEnumerable<ChatMessage> messages, ChatOptions? options, bool stream)
    {
        var settings = _options();
        string apiKey;
        try
        {
            apiKey = GeminiApiKey.Resolve(settings);
        }
        catch (InvalidOperationException)
        {
            Log.ApiKeyMissing(_logger);
            throw;
        }

        var requested = options?.ModelId ?? settings.DefaultModel;
        if (!GeminiModelName.TryNormalize(requested, out var model))
        {
            throw new ArgumentException($"'{requested}' is not a valid Gemini model name: use letters, digits, '.', '-' and '_', such as {GeminiOptions.DefaultModelId}.");
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(GeminiRequestMapper.Map(messages, options), GeminiJsonContext.Default.GenerateContentRequest);

        // One full string, never a relative "model:method" resolved against a base Uri (its colon would read as a scheme).
        var root = settings.BaseUrl.AbsoluteUri.TrimEnd('/');
        var uri = new Uri(stream ? $"{root}/v1beta/models/{model}:streamGenerateContent?alt=sse" : $"{root}/v1beta/models/{model}:generateContent", UriKind.Absolute);
        return new PreparedRequest(settings, apiKey, model, uri, body, stream);
    }

    private static HttpRequestMessage CreateHttpRequest(PreparedRequest request)
    {
        var content = new ByteArrayContent(request.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var message = new HttpRequestMessage(HttpMethod.Post, request.Uri) { Content = content };
        message.Headers.TryAddWithoutValidation(ApiKeyHeader, request.ApiKey);
        if (request.Stream)
        {
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        return message;
    }

    /// <summary>Sends the stream request, retrying until the first chunk has arrived.</summary>
    private async Task<GeminiStreamSession> OpenStreamAsync(PreparedRequest request, CancellationToken cancellationToken)
    {
        var retry = new GeminiRetry(request.Settings, _timeProvider, _logger, StreamOperation, request.Model);
        while (true)
        {
            retry.BeginAttempt();
            GeminiFailure failure;
            var timeout = new AttemptTimeout(request.Settings.Timeout, _timeProvider, cancellationToken);
            HttpResponseMessage? response = null;
            IAsyncEnumerator<SseItem<GenerateContentResponse?>>? events = null;
            var handedOver = false;
            try
            {
                using (var message = CreateHttpRequest(request))
                {
                    response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                }

                if (!response.IsSuccessStatusCode)
                {
                    failure = await ReadErrorAsync(response, request.ApiKey, timeout.Token).ConfigureAwait(false);
                }
                else if (response.Content.Headers.ContentType?.MediaType is "application/json")
                {
                    // Not SSE after all: one JSON document, a response or an error envelope.
                    var body = await ReadCappedAsync(response.Content, request.Settings.MaxResponseBytes, timeout.Token).ConfigureAwait(false);
                    var wire = body is null || body.Length == 0 ? null : JsonSerializer.Deserialize(body, GeminiJsonContext.Default.GenerateContentResponse);
                    if (body is null)
                    {
                        failure = TooLarge(request.Settings.MaxResponseBytes);
                    }
                    else if (wire?.Error is { } error)
                    {
                        failure = GeminiFailure.FromApiError(error, (int)response.StatusCode, null, request.ApiKey);
                    }
                    else if (wire is null)
                    {
                        failure = GeminiFailure.Empty("The Gemini stream ended before its first chunk.");
                    }
                    else
                    {
                        handedOver = true;
                        return new GeminiStreamSession(response, null, timeout, wire, retry.Attempt, request, _logger);
                    }
                }
                else
                {
                    var body = new LineLimitedStream(await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false), request.Settings.MaxStreamLineBytes);
                    events = SseParser.Create(body, GeminiStreamSession.ParseChunk).EnumerateAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
                    var first = await GeminiStreamSession.ReadChunkAsync(events).ConfigureAwait(false);
                    if (first is null)
                    {
                        failure = GeminiFailure.Empty("The Gemini stream ended before its first chunk.");
                    }
                    else if (first.Error is { } error)
                    {
                        failure = GeminiFailure.FromApiError(error, (int)response.StatusCode, null, request.ApiKey);
                    }
                    else
                    {
                        handedOver = true;
                        return new GeminiStreamSession(response, events, timeout, first, retry.Attempt, request, _logger);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException ex)
            {
                failure = GeminiFailure.Timeout(timeout.Timeout, ex);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                failure = GeminiFailure.Transport(ex, request.ApiKey);
            }
            catch (JsonException ex)
            {
                failure = GeminiFailure.InvalidResponse("The Gemini stream sent a chunk that is not valid JSON.", ex);
            }
            catch (InvalidDataException ex)
            {
                failure = GeminiFailure.InvalidResponse(ex.Message, ex);
            }
            finally
            {
                if (!handedOver)
                {
                    if (events is not null)
                    {
                        await events.DisposeAsync().ConfigureAwait(false);
                    }

                    response?.Dispose();
                    timeout.Dispose();
                }
            }

            await retry.WaitOrThrowAsync(failure, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads an error response: the API's pretty JSON envelope (with <c>Content-Type: text/event-stream</c> and no <c>data:</c>
    /// prefix on the streaming endpoint), or anything else a proxy may send.
    /// </summary>
    private async Task<GeminiFailure> ReadErrorAsync(HttpResponseMessage response, string apiKey, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfter(response.Headers.RetryAfter);
        var text = await ReadLimitedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        var json = text.AsSpan().TrimStart();
        if (json.StartsWith("data:", StringComparison.Ordinal))
        {
            json = json["data:".Length..];
        }

        try
        {
            if (json.StartsWith("{", StringComparison.Ordinal)
                && JsonSerializer.Deserialize(json, GeminiJsonContext.Default.ErrorEnvelope)?.Error is { } error)
            {
                return GeminiFailure.FromApiError(error, status, retryAfter, apiKey);
            }
        }
        catch (JsonException)
        {
            // Not the API's envelope: fall back to the HTTP status.
        }

        return GeminiFailure.FromHttpStatus(status, response.ReasonPhrase, retryAfter);
    }

    /// <summary>Reads a whole body of at most <paramref name="limit"/> bytes; <see langword="null"/> when it is larger (it is not read further).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, long limit, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > limit)
        {
            return null;
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static GeminiFailure TooLarge(long limit)
        => GeminiFailure.InvalidResponse($"Gemini API response is larger than {limit} bytes (GeminiOptions.MaxResponseBytes): not read.", null);

    private static async Task<string> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxErrorBodyBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, length);
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - _timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    internal sealed record PreparedRequest(GeminiOptions Settings, string ApiKey, string Model, Uri Uri, byte[] Body, bool Stream);
}
