using Microsoft.Extensions.Logging;

namespace FlowStream.Nodes.Gemini.Diagnostics;

/// <summary>
/// Log messages of FlowStream.Nodes.Gemini, with stable event ids (3xxx). Never the API key, prompts, responses or request bodies:
/// model names, attempt numbers, statuses, delays and token counts only.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Debug, "Sending Gemini {Operation} request for model {Model} (attempt {Attempt} of {MaxAttempts}).")]
    public static partial void Sending(ILogger logger, string operation, string model, int attempt, int maxAttempts);

    [LoggerMessage(3002, LogLevel.Warning, "Gemini {Operation} request for model {Model} failed on attempt {Attempt}: {Reason} Retrying in {DelayMs} ms.")]
    public static partial void Retrying(ILogger logger, string operation, string model, int attempt, string reason, long delayMs);

    [LoggerMessage(3003, LogLevel.Warning, "Gemini {Operation} request for model {Model} failed after {Attempts} attempt(s): {Reason}")]
    public static partial void Failed(ILogger logger, string operation, string model, int attempts, string reason);

    [LoggerMessage(3004, LogLevel.Debug, "Gemini {Operation} request for model {Model} finished ({FinishReason}) after {Attempts} attempt(s) in {ElapsedMs} ms: {InputTokens} input, {OutputTokens} output tokens.")]
    public static partial void Completed(ILogger logger, string operation, string model, string finishReason, int attempts, long elapsedMs, long? inputTokens, long? outputTokens);

    [LoggerMessage(3005, LogLevel.Warning, "Gemini stream for model {Model} failed after {Chunks} chunk(s); not retried: {Reason}")]
    public static partial void StreamFailed(ILogger logger, string model, int chunks, string reason);

    [LoggerMessage(3006, LogLevel.Warning, "No Gemini API key is configured (FlowStream:Gemini:ApiKey or the GEMINI_API_KEY environment variable); no request was sent.")]
    public static partial void ApiKeyMissing(ILogger logger);
}
