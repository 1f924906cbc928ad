using System.Net.ServerSentEvents;
using System.Text.Json;
using FlowStream.Nodes.Gemini.Diagnostics;
using FlowStream.Nodes.Gemini.Wire;
using Microsoft.Extensions.Logging;

namespace FlowStream.Nodes.Gemini.Client;

/// <summary>
/// An open <c>streamGenerateContent?alt=sse</c> response whose first chunk has arrived. From here on nothing is retried: a
/// failure surfaces as a <see cref="GeminiException"/> that says how many chunks came before it.
/// </summary>
internal sealed class GeminiStreamSession(
    HttpResponseMessage response,
    IAsyncEnumerator<SseItem<GenerateContentResponse?>>? events,
    AttemptTimeout timeout,
    GenerateContentResponse first,
    int attempts,
    GeminiChatClient.PreparedRequest request,
    ILogger logger) : IAsyncDisposable
{
    public GenerateContentResponse First => first;

    public int Attempts => attempts;

    /// <summary>Parses one <c>data:</c> payload: a compact <c>GenerateContentResponse</c>, or <c>{"error": ...}</c>.</summary>
    public static GenerateContentResponse? ParseChunk(string eventType, ReadOnlySpan<byte> data)
        => data.IsEmpty || data.Trim(" \t\r\n"u8).IsEmpty ? null : JsonSerializer.Deserialize(data, GeminiJsonContext.Default.GenerateContentResponse);

    /// <summary>Reads the next chunk of the default event type, skipping empty events; <see langword="null"/> at the end.</summary>
    public static async ValueTask<GenerateContentResponse?> ReadChunkAsync(IAsyncEnumerator<SseItem<GenerateContentResponse?>> events)
    {
        while (await events.MoveNextAsync().ConfigureAwait(false))
        {
            if (events.Current.EventType == SseParser.EventTypeDefault && events.Current.Data is { } chunk)
            {
                return chunk;
            }
        }

        return null;
    }

    /// <summary>Reads the chunk after the <paramref name="chunksSoFar"/> already delivered; <see langword="null"/> when the stream ends.</summary>
    public async ValueTask<GenerateContentResponse?> ReadNextAsync(int chunksSoFar, CancellationToken cancellationToken)
    {
        if (events is null)
        {
            return null;
        }

        timeout.Restart();
        string message;
        Exception? inner = null;
        GeminiFailure? apiFailure = null;
        try
        {
            var chunk = await ReadChunkAsync(events).ConfigureAwait(false);
            if (chunk?.Error is not { } error)
            {
                return chunk;
            }

            apiFailure = GeminiFailure.FromApiError(error, (int)response.StatusCode, null, request.ApiKey);
            message = $"{apiFailure.Message} (sent in the stream after {Chunks(chunksSoFar)}: not retried)";
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex) when (timeout.TimedOut)
        {
            inner = ex;
            message = $"The Gemini stream stalled: no chunk for {GeminiFailure.FormatDuration(timeout.Timeout)} after {Chunks(chunksSoFar)} (not retried).";
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            inner = ex;
            message = $"The Gemini stream broke off after {Chunks(chunksSoFar)}: {GeminiApiKey.Redact(ex.Message, request.ApiKey)} (not retried: part of the response was already delivered)";
        }
        catch (JsonException ex)
        {
            inner = ex;
            message = $"The Gemini stream sent a chunk that is not valid JSON after {Chunks(chunksSoFar)}.";
        }
        catch (InvalidDataException ex)
        {
            inner = ex;
            message = $"{ex.Message} (after {Chunks(chunksSoFar)}: not retried)";
        }

        Log.StreamFailed(logger, request.Model, chunksSoFar, message);
        throw apiFailure is null
            ? new GeminiException(message, statusCode: null, status: null, isTransient: false, retryDelay: null, attempts, inner)
            : new GeminiException(message, apiFailure.StatusCode, apiFailure.Status, isTransient: false, apiFailure.ServerDelay, attempts, inner);
    }

    public async ValueTask DisposeAsync()
    {
        if (events is not null)
        {
            await events.DisposeAsync().ConfigureAwait(false);
        }

        response.Dispose();
        timeout.Dispose();
    }

    private static string Chunks(int count) => count == 1 ? "1 chunk" : $"{count} chunks";
}
