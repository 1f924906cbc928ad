using System.Globalization;
using System.Net;
using System.Text.Json;
using FlowStream.Nodes.Gemini.Wire;

namespace FlowStream.Nodes.Gemini.Client;

/// <summary>What went wrong with one attempt, and what that means for retrying (spec section 7).</summary>
internal sealed class GeminiFailure
{
    private GeminiFailure(string message, HttpStatusCode? statusCode, string? status, bool isTransient, Exception? innerException)
    {
        Message = message;
        StatusCode = statusCode;
        Status = status;
        IsTransient = isTransient;
        InnerException = innerException;
    }

    /// <summary>Gets the message without any note about retries, for example <c>Gemini API error 404 NOT_FOUND: ...</c>.</summary>
    public string Message { get; }

    public HttpStatusCode? StatusCode { get; }

    public string? Status { get; }

    public bool IsTransient { get; }

    public Exception? InnerException { get; }

    /// <summary>Gets the delay the server asked for: <c>RetryInfo.retryDelay</c>, else <c>Retry-After</c>.</summary>
    public TimeSpan? ServerDelay { get; private init; }

    /// <summary>Gets a value indicating whether <see cref="ServerDelay"/> came from <c>RetryInfo</c> (jitter is added to it) rather than <c>Retry-After</c>.</summary>
    public bool ServerDelayFromRetryInfo { get; private init; }

    /// <summary>Gets a value indicating whether this is a 429 for a per-day quota (or a zero limit): waiting minutes will not help.</summary>
    public bool IsDailyQuota { get; private init; }

    public static bool IsRetryableStatus(int code) => code is 408 or 429 or 500 or 502 or 503 or 504;

    /// <summary>An error envelope from the API, in an error response or as a chunk of a stream.</summary>
    public static GeminiFailure FromApiError(ErrorBody error, int httpStatus, TimeSpan? retryAfter, string? apiKey)
    {
        var code = httpStatus >= 400 ? httpStatus : error.Code is > 0 and var c ? c : 500;
        var message = GeminiApiKey.Redact(error.Message is { Length: > 0 } m ? m.Trim() : "(no message)", apiKey);
        var status = error.Status is { Length: > 0 } s ? s : null;
        var text = status is null
            ? string.Create(CultureInfo.InvariantCulture, $"Gemini API error {code}: {message}")
            : string.Create(CultureInfo.InvariantCulture, $"Gemini API error {code} {status}: {message}");
        var retryInfo = FindRetryDelay(error.Details);
        return new GeminiFailure(text, (HttpStatusCode)code, status, IsRetryableStatus(code), null)
        {
            ServerDelay = retryInfo ?? retryAfter,
            ServerDelayFromRetryInfo = retryInfo is not null,
            IsDailyQuota = code == 429 && IsDailyQuotaError(error),
        };
    }

    /// <summary>An error response whose body is not the API's envelope (a proxy's page, an empty body).</summary>
    public static GeminiFailure FromHttpStatus(int httpStatus, string? reasonPhrase, TimeSpan? retryAfter)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"Gemini API error {httpStatus}: {(string.IsNullOrWhiteSpace(reasonPhrase) ? "no error details in the response" : reasonPhrase)}");
        return new GeminiFailure(text, (HttpStatusCode)httpStatus, null, IsRetryableStatus(httpStatus), null) { ServerDelay = retryAfter };
    }

    public static GeminiFailure Timeout(TimeSpan timeout, Exception innerException)
        => new($"Gemini API request timed out after {FormatDuration(timeout)}.", null, null, isTransient: true, innerException);

    public static GeminiFailure Transport(Exception exception, string? apiKey)
        => new($"Gemini API request failed: {GeminiApiKey.Redact(exception.Message, apiKey)}", null, null, isTransient: true, exception);

    /// <summary>A response that ended before it said anything: worth another try, since nothing was delivered.</summary>
    public static GeminiFailure Empty(string message) => new(message, null, null, isTransient: true, null);

    public static GeminiFailure InvalidResponse(string message, Exception? innerException)
        => new(message, null, null, isTransient: false, innerException);

    public GeminiException ToException(int attempts, string? note = null)
        => new(note is null ? Message : $"{Message} ({note})", StatusCode, Status, IsTransient && !IsDailyQuota, ServerDelay, attempts, InnerException);

    public static string FormatDuration(TimeSpan duration)
        => duration == System.Threading.Timeout.InfiniteTimeSpan
            ? "infinite"
            : string.Create(CultureInfo.InvariantCulture, $"{Math.Round(duration.TotalSeconds, 3)} s");

    /// <summary>Reads <c>RetryInfo.retryDelay</c>, a protobuf Duration: <c>"41s"</c>, <c>"45.837906927s"</c>.</summary>
    private static TimeSpan? FindRetryDelay(List<JsonElement>? details)
    {
        foreach (var detail in Details(details, "google.rpc.RetryInfo"))
        {
            if (!detail.TryGetProperty("retryDelay"u8, out var delay))
            {
                continue;
            }

            if (delay.ValueKind == JsonValueKind.String && ParseDuration(delay.GetString()) is { } parsed)
            {
                return parsed;
            }

            if (delay.ValueKind == JsonValueKind.Object)
            {
                var seconds = delay.TryGetProperty("seconds"u8, out var s) && s.TryGetDouble(out var sv) ? sv : 0;
                var nanos = delay.TryGetProperty("nanos"u8, out var n) && n.TryGetDouble(out var nv) ? nv : 0;
                return ToTimeSpan(seconds + (nanos / 1e9));
            }
        }

        return null;
    }

    internal static TimeSpan? ParseDuration(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var value = text.AsSpan().Trim();
        if (value.EndsWith("s", StringComparison.Ordinal))
        {
            value = value[..^1];
        }

        return double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) ? ToTimeSpan(seconds) : null;
    }

    private static TimeSpan? ToTimeSpan(double seconds)
        => double.IsFinite(seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.FromSeconds(seconds) : null;

    /// <summary>A per-day quota (<c>quotaId</c> containing <c>PerDay</c>) or a zero limit: the spec says fail fast.</summary>
    private static bool IsDailyQuotaError(ErrorBody error)
    {
        if (error.Message is { } message && message.Contains("limit: 0", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        foreach (var detail in Details(error.Details, "google.rpc.QuotaFailure"))
        {
            if (!detail.TryGetProperty("violations"u8, out var violations) || violations.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var violation in violations.EnumerateArray())
            {
                if (violation.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (violation.TryGetProperty("quotaId"u8, out var id) && id.ValueKind == JsonValueKind.String
                    && id.GetString()!.Contains("PerDay", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (violation.TryGetProperty("quotaValue"u8, out var value)
                    && ((value.ValueKind == JsonValueKind.String && value.GetString() == "0") || (value.ValueKind == JsonValueKind.Number && value.GetRawText() == "0")))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static IEnumerable<JsonElement> Details(List<JsonElement>? details, string typeSuffix)
    {
        if (details is null)
        {
            yield break;
        }

        foreach (var detail in details)
        {
            if (detail.ValueKind == JsonValueKind.Object && detail.TryGetProperty("@type"u8, out var type) && type.ValueKind == JsonValueKind.String
                && type.GetString()!.EndsWith(typeSuffix, StringComparison.Ordinal))
            {
                yield return detail;
            }
        }
    }
}
