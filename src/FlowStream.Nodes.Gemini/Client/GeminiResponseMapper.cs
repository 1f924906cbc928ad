using FlowStream.Nodes.Gemini.Wire;
using Microsoft.Extensions.AI;

namespace FlowStream.Nodes.Gemini.Client;

/// <summary>Maps <c>GenerateContentResponse</c>s (whole or chunks) to Microsoft.Extensions.AI responses and updates.</summary>
internal static class GeminiResponseMapper
{
    public static ChatResponse ToChatResponse(GenerateContentResponse wire, string requestedModel)
    {
        var candidate = wire.Candidates is { Count: > 0 } candidates ? candidates[0] : null;
        var message = new ChatMessage(ChatRole.Assistant, MapParts(candidate?.Content?.Parts))
        {
            MessageId = wire.ResponseId,
            RawRepresentation = candidate,
        };

        return new ChatResponse(message)
        {
            ResponseId = wire.ResponseId,
            ModelId = wire.ModelVersion ?? requestedModel,
            FinishReason = MapFinishReason(candidate?.FinishReason, wire.PromptFeedback?.BlockReason),
            Usage = MapUsage(wire.UsageMetadata),
            RawRepresentation = wire,
            AdditionalProperties = MapProperties(candidate, wire.PromptFeedback),
        };
    }

    /// <summary>One chunk as an update. Usage is not included: counts are cumulative, so the client reports the last one once, at the end.</summary>
    public static ChatResponseUpdate ToUpdate(GenerateContentResponse chunk, string requestedModel)
    {
        var candidate = chunk.Candidates is { Count: > 0 } candidates ? candidates[0] : null;
        return new ChatResponseUpdate(ChatRole.Assistant, MapParts(candidate?.Content?.Parts))
        {
            ResponseId = chunk.ResponseId,
            MessageId = chunk.ResponseId,
            ModelId = chunk.ModelVersion ?? requestedModel,
            FinishReason = MapFinishReason(candidate?.FinishReason, chunk.PromptFeedback?.BlockReason),
            RawRepresentation = chunk,
            AdditionalProperties = MapProperties(candidate, chunk.PromptFeedback),
        };
    }

    public static UsageDetails? MapUsage(UsageMetadata? usage)
    {
        if (usage is null)
        {
            return null;
        }

        // Gemini's candidatesTokenCount leaves thoughts out; Microsoft.Extensions.AI counts reasoning tokens as output.
        int? output = usage.CandidatesTokenCount is null && usage.ThoughtsTokenCount is null
            ? null
            : (usage.CandidatesTokenCount ?? 0) + (usage.ThoughtsTokenCount ?? 0);
        var details = new UsageDetails
        {
            InputTokenCount = usage.PromptTokenCount,
            OutputTokenCount = output,
            TotalTokenCount = usage.TotalTokenCount,
            ReasoningTokenCount = usage.ThoughtsTokenCount,
            CachedInputTokenCount = usage.CachedContentTokenCount,
        };
        if (usage.ToolUsePromptTokenCount is { } toolUse)
        {
            details.AdditionalCounts = new() { ["toolUsePromptTokenCount"] = toolUse };
        }

        return details;
    }

    /// <summary>
    /// STOP → stop, MAX_TOKENS → length, safety-like reasons → content_filter, a blocked prompt → content_filter; anything else
    /// (the enum keeps growing) is kept as it was sent.
    /// </summary>
    public static ChatFinishReason? MapFinishReason(string? finishReason, string? blockReason) => finishReason switch
    {
        null or "" or "FINISH_REASON_UNSPECIFIED" => blockReason is { Length: > 0 } ? ChatFinishReason.ContentFilter : null,
        "STOP" => ChatFinishReason.Stop,
        "MAX_TOKENS" => ChatFinishReason.Length,
        _ when GeminiFinishReasons.IsBlocking(finishReason) => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(finishReason),
    };

    private static List<AIContent> MapParts(List<Part>? parts)
    {
        List<AIContent> contents = [];
        if (parts is null)
        {
            return contents;
        }

        foreach (var part in parts)
        {
            if (part.Text is not { } text)
            {
                continue;
            }

            // Thought summaries are reasoning, not part of the response's text.
            contents.Add(part.Thought == true
                ? new TextReasoningContent(text) { ProtectedData = part.ThoughtSignature, RawRepresentation = part }
                : new TextContent(text) { RawRepresentation = part });
        }

        return contents;
    }

    private static AdditionalPropertiesDictionary? MapProperties(Candidate? candidate, PromptFeedback? feedback)
    {
        AdditionalPropertiesDictionary? properties = null;
        if (candidate?.FinishReason is { Length: > 0 } finishReason)
        {
            (properties ??= [])[GeminiChatClient.FinishReasonProperty] = finishReason;
        }

        if (candidate?.FinishMessage is { Length: > 0 } finishMessage)
        {
            (properties ??= [])[GeminiChatClient.FinishMessageProperty] = finishMessage;
        }

        if (feedback?.BlockReason is { Length: > 0 } blockReason)
        {
            (properties ??= [])[GeminiChatClient.BlockReasonProperty] = blockReason;
        }

        if (feedback?.BlockReasonMessage is { Length: > 0 } blockMessage)
        {
            (properties ??= [])[GeminiChatClient.BlockReasonMessageProperty] = blockMessage;
        }

        return properties;
    }
}
