using System.Text.Json;
using FlowStream.Nodes.Gemini.Wire;
using Microsoft.Extensions.AI;

namespace FlowStream.Nodes.Gemini.Client;

/// <summary>Maps Microsoft.Extensions.AI messages and options to a <c>generateContent</c> request body.</summary>
internal static class GeminiRequestMapper
{
    public static GenerateContentRequest Map(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        if (options?.Tools is { Count: > 0 })
        {
            throw new NotSupportedException("GeminiChatClient does not support tools (ChatOptions.Tools).");
        }

        var request = new GenerateContentRequest();
        List<Part>? system = null;
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            (system ??= []).Add(new Part { Text = options.Instructions });
        }

        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            if (message.Role == ChatRole.System)
            {
                foreach (var content in message.Contents)
                {
                    if (content is TextContent { Text.Length: > 0 } text)
                    {
                        (system ??= []).Add(new Part { Text = text.Text });
                    }
                }

                continue;
            }

            string role;
            if (message.Role == ChatRole.User)
            {
                role = "user";
            }
            else if (message.Role == ChatRole.Assistant)
            {
                role = "model";
            }
            else
            {
                throw new NotSupportedException($"GeminiChatClient does not support messages of role '{message.Role}'.");
            }

            var parts = MapParts(message.Contents);
            if (parts.Count > 0)
            {
                request.Contents.Add(new Content { Role = role, Parts = parts });
            }
        }

        if (request.Contents.Count == 0)
        {
            throw new ArgumentException("At least one user or assistant message with content is required.", nameof(messages));
        }

        if (system is not null)
        {
            request.SystemInstruction = new Content { Parts = system };
        }

        request.GenerationConfig = MapConfig(options);
        return request;
    }

    private static List<Part> MapParts(IList<AIContent> contents)
    {
        List<Part> parts = [];
        foreach (var content in contents)
        {
            switch (content)
            {
                case TextContent text when text.Text.Length > 0:
                    parts.Add(new Part { Text = text.Text });
                    break;
                case DataContent data:
                    parts.Add(new Part { InlineData = new InlineData { MimeType = data.MediaType, Data = data.Base64Data.ToString() } });
                    break;
                case UriContent uri:
                    parts.Add(new Part { FileData = new FileData { MimeType = uri.MediaType, FileUri = uri.Uri.ToString() } });
                    break;
                case FunctionCallContent or FunctionResultContent:
                    throw new NotSupportedException("GeminiChatClient does not support function calls.");
                default:
                    // Reasoning, usage and other content the API does not take back: left out.
                    break;
            }
        }

        return parts;
    }

    private static GenerationConfig? MapConfig(ChatOptions? options)
    {
        if (options is null)
        {
            return null;
        }

        var config = new GenerationConfig
        {
            Temperature = options.Temperature,
            TopP = options.TopP,
            TopK = options.TopK,
            MaxOutputTokens = options.MaxOutputTokens,
            StopSequences = options.StopSequences is { Count: > 0 } stops ? [.. stops] : null,
            Seed = options.Seed,
            PresencePenalty = options.PresencePenalty,
            FrequencyPenalty = options.FrequencyPenalty,
        };

        switch (options.ResponseFormat)
        {
            case ChatResponseFormatText:
                config.ResponseMimeType = "text/plain";
                break;
            case ChatResponseFormatJson json:
                config.ResponseMimeType = "application/json";
                config.ResponseJsonSchema = json.Schema is { ValueKind: not JsonValueKind.Undefined } schema ? schema : null;
                break;
        }

        return config is { Temperature: null, TopP: null, TopK: null, MaxOutputTokens: null, StopSequences: null, Seed: null, PresencePenalty: null, FrequencyPenalty: null, ResponseMimeType: null }
            ? null
            : config;
    }
}
