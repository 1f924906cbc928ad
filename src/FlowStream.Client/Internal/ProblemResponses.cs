using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FlowStream.Client.Serialization;

namespace FlowStream.Client.Internal;

/// <summary>Turns an HTTP answer that is not a success into an <see cref="ExecutionStreamException"/>, reading its RFC 9457 problem body.</summary>
internal static class ProblemResponses
{
    /// <summary>Problem bodies are small; a longer body is cut here (and then usually not valid JSON, so ignored).</summary>
    private const int MaxProblemBytes = 64 * 1024;

    public static bool IsTransient(HttpStatusCode statusCode) =>
        statusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)statusCode >= 500;

    public static async Task<ExecutionStreamException> CreateExceptionAsync(HttpResponseMessage response, long? executionId, CancellationToken cancellationToken)
    {
        var problem = await ReadProblemAsync(response.Content, cancellationToken).ConfigureAwait(false);
        var type = GetString(problem, "type");
        var title = GetString(problem, "title");
        var detail = GetString(problem, "detail");
        var reason = string.IsNullOrEmpty(response.ReasonPhrase) ? response.StatusCode.ToString() : response.ReasonPhrase;
        var message = string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} {reason}");
        if ((detail ?? title) is { Length: > 0 } explanation)
        {
            message += ": " + explanation;
        }

        return new ExecutionStreamException(message)
        {
            StatusCode = response.StatusCode,
            ProblemType = type,
            Title = title,
            Detail = detail,
            Problem = problem,
            ExecutionId = executionId,
        };
    }

    private static async Task<JsonElement?> ReadProblemAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var mediaType = content.Headers.ContentType?.MediaType;
        if (mediaType is not null
            && !mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            && !mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                var buffer = new ArrayBufferWriter<byte>();
                while (buffer.WrittenCount < MaxProblemBytes)
                {
                    var read = await stream.ReadAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        break;
                    }

                    buffer.Advance(read);
                }

                if (buffer.WrittenCount == 0)
                {
                    return null;
                }

                var problem = JsonSerializer.Deserialize(buffer.WrittenSpan, ClientJsonContext.Default.JsonElement);
                return problem.ValueKind == JsonValueKind.Object ? problem : null;
            }
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException)
        {
            // The status code says enough; a broken or missing problem body must not hide it.
            return null;
        }
    }

    private static string? GetString(JsonElement? problem, string name) =>
        problem is { } p && p.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
