using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FlowStream.Client.Serialization;

namespace FlowStream.Client.Internal;

/// <summary>
/// One enumeration of an execution's events: reads the SSE body, remembers the last id, and re-attaches with
/// <c>Last-Event-ID</c> when the connection drops, so the caller sees every event once, in order.
/// </summary>
internal sealed class ExecutionEventStream
{
    private readonly ExecutionStreamClient _client;
    private long? _executionId;
    private long _lastEventId;
    private int _failures;
    private Exception? _lastError;

    private ExecutionEventStream(ExecutionStreamClient client, long? executionId, long lastEventId)
    {
        _client = client;
        _executionId = executionId;
        _lastEventId = lastEventId;
    }

    public static IAsyncEnumerable<ExecutionEvent> StartAsync(ExecutionStreamClient client, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) =>
        new ExecutionEventStream(client, executionId: null, lastEventId: 0).ReadAsync(body, cancellationToken);

    public static IAsyncEnumerable<ExecutionEvent> AttachAsync(ExecutionStreamClient client, long executionId, long lastEventId, CancellationToken cancellationToken) =>
        new ExecutionEventStream(client, executionId, lastEventId).ReadAsync(startBody: null, cancellationToken);

    private async IAsyncEnumerable<ExecutionEvent> ReadAsync(ReadOnlyMemory<byte>? startBody, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The first request is not retried: a POST may have started an execution, and a wrong address should fail at once.
        var first = startBody is { } body
            ? await _client.SendStreamRequestAsync(HttpMethod.Post, _client.StreamUri, body, lastEventId: 0, cancellationToken).ConfigureAwait(false)
            : await _client.SendStreamRequestAsync(HttpMethod.Get, _client.AttachUri(_executionId!.Value), content: null, _lastEventId, cancellationToken, _executionId).ConfigureAwait(false);
        var response = await ThrowIfFailedAsync(first, transientIsFatal: true, cancellationToken).ConfigureAwait(false);

        while (true)
        {
            if (response is not null)
            {
                using var current = response;
                response = null;
                _executionId ??= ReadExecutionIdHeader(current);
                _lastError = null;

                Stream? content = null;
                try
                {
                    content = await current.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (IsTransient(ex, cancellationToken))
                {
                    ThrowIfCallerCanceled(ex, cancellationToken);
                    _lastError = ex;
                }

                if (content is not null)
                {
                    var items = SseParser.Create(content, static (_, data) => data.ToArray()).EnumerateAsync(cancellationToken);
                    var enumerator = items.ConfigureAwait(false).GetAsyncEnumerator();
                    try
                    {
                        while (true)
                        {
                            SseItem<byte[]> item;
                            try
                            {
                                if (!await enumerator.MoveNextAsync())
                                {
                                    _lastError = new IOException($"The event stream ended before its {ExecutionEventTypes.ExecutionFinished} event.");
                                    break;
                                }

                                item = enumerator.Current;
                            }
                            catch (Exception ex) when (IsTransient(ex, cancellationToken))
                            {
                                ThrowIfCallerCanceled(ex, cancellationToken);
                                _lastError = ex;
                                break;
                            }

                            if (Accept(item) is not { } e)
                            {
                                continue;
                            }

                            _failures = 0;
                            yield return e;
                            if (e.IsTerminal)
                            {
                                yield break;
                            }
                        }
                    }
                    finally
                    {
                        await enumerator.DisposeAsync();
                    }
                }
            }

            response = await ReattachAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits out the backoff and sends one re-attach request; <see langword="null"/> when that attempt failed in a way worth another.</summary>
    private async Task<HttpResponseMessage?> ReattachAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_executionId is not { } executionId)
        {
            throw new ExecutionStreamException(
                "The event stream ended before the server said which execution it belongs to (no X-Execution-Id header, no event), so it cannot be re-attached.",
                _lastError);
        }

        var options = _client.Options;
        if (_failures >= options.MaxReconnectAttempts)
        {
            var attempts = options.MaxReconnectAttempts == 0
                ? "re-attaching is off (MaxReconnectAttempts is 0)"
                : string.Create(CultureInfo.InvariantCulture, $"{options.MaxReconnectAttempts} re-attach attempts in a row failed without a new event");
            var message = string.Create(
                CultureInfo.InvariantCulture,
                $"Lost the event stream of execution {executionId} after event {_lastEventId}: {attempts}. Last error: {_lastError?.Message}");
            throw new ExecutionStreamException(message, _lastError) { ExecutionId = executionId };
        }

        _failures++;
        var delay = GetReconnectDelay(_failures, options.InitialReconnectDelay, options.MaxReconnectDelay);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var response = await _client.SendStreamRequestAsync(HttpMethod.Get, _client.AttachUri(executionId), content: null, _lastEventId, cancellationToken, executionId).ConfigureAwait(false);
            return await ThrowIfFailedAsync(response, transientIsFatal: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsTransient(ex, cancellationToken))
        {
            ThrowIfCallerCanceled(ex, cancellationToken);
            _lastError = ex;
            return null;
        }
    }

    /// <summary>
    /// Returns a response that is an event stream; throws for any other answer, except that a transient failure
    /// (408, 429, 5xx) while re-attaching is remembered and gives <see langword="null"/>.
    /// </summary>
    private async Task<HttpResponseMessage?> ThrowIfFailedAsync(HttpResponseMessage response, bool transientIsFatal, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                var error = await ProblemResponses.CreateExceptionAsync(response, _executionId, cancellationToken).ConfigureAwait(false);
                if (transientIsFatal || !ProblemResponses.IsTransient(response.StatusCode))
                {
                    throw error;
                }

                _lastError = error;
                return null;
            }
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!string.Equals(mediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            response.Dispose();
            throw new ExecutionStreamException(
                $"The server answered {(int)response.StatusCode} with Content-Type '{mediaType}' where an event stream (text/event-stream) was expected.")
            {
                ExecutionId = _executionId,
            };
        }

        return response;
    }

    /// <summary>Turns an SSE message into an event; <see langword="null"/> for one already delivered (its id is not above the last one seen).</summary>
    private ExecutionEvent? Accept(SseItem<byte[]> item)
    {
        long? id = long.TryParse(item.EventId, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        if (id <= _lastEventId)
        {
            return null;
        }

        WireEvent? wire;
        try
        {
            wire = JsonSerializer.Deserialize(item.Data, ClientJsonContext.Default.WireEvent);
        }
        catch (JsonException ex)
        {
            throw ProtocolError(id, "is not valid JSON", ex);
        }

        if (wire?.Type is not { } type)
        {
            throw ProtocolError(id, "has no \"type\"", innerException: null);
        }

        if (_executionId is null
            && wire.Data.ValueKind == JsonValueKind.Object
            && wire.Data.TryGetProperty("executionId"u8, out var executionId)
            && executionId.TryGetInt64(out var fromData))
        {
            _executionId = fromData;
        }

        if (id is { } newId)
        {
            _lastEventId = newId;
        }

        return new ExecutionEvent(_executionId ?? 0, id ?? 0, type, wire.Data);
    }

    private ExecutionStreamException ProtocolError(long? id, string problem, Exception? innerException) =>
        new(string.Create(CultureInfo.InvariantCulture, $"The server broke the wire contract: the data of event {id} {problem}; expected {{\"type\": ..., \"data\": {{...}}}}."), innerException)
        {
            ExecutionId = _executionId,
        };

    /// <summary>
    /// Whether a failure is worth another attempt: a dropped connection, a reset, a timeout of the HTTP client. After the
    /// caller canceled, every failure but <see cref="OperationCanceledException"/> itself is caught too, so that
    /// <see cref="ThrowIfCallerCanceled"/> can turn it into one.
    /// </summary>
    private static bool IsTransient(Exception exception, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? exception is not OperationCanceledException
            : exception is HttpRequestException or IOException or OperationCanceledException;

    private static void ThrowIfCallerCanceled(Exception exception, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The caller canceled the event stream.", exception, cancellationToken);
        }
    }

    private static long? ReadExecutionIdHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ExecutionStreamClient.ExecutionIdHeader, out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
        && id > 0
            ? id
            : null;

    internal static TimeSpan GetReconnectDelay(int attempt, TimeSpan initial, TimeSpan max)
    {
        var delay = initial;
        for (var i = 1; i < attempt && delay < max; i++)
        {
            delay += delay;
        }

        return delay < max ? delay : max;
    }
}
