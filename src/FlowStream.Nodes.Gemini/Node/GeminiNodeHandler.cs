using System.Text.Json;
using FlowStream.Nodes.Gemini.Client;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Nodes.Gemini.Node;

/// <summary>
/// The <c>gemini</c> node: sends its <c>prompt</c> to the keyed <see cref="IChatClient"/> <c>"gemini"</c>, streams each text
/// delta as a <c>nodeExecutionProgress</c> event (<c>{"delta": "..."}</c>) when <c>stream</c> is on, and outputs
/// <c>{"response", "model", "usage", "finishReason"}</c>. Each retry of the chat client (when it is a <see cref="GeminiChatClient"/>)
/// is reported first as a <c>nodeExecutionProgress</c> event <c>{"retry": {"attempt", "maxAttempts", "waitMs", "reason"}}</c>.
/// </summary>
internal sealed class GeminiNodeHandler([FromKeyedServices(GeminiNode.ChatClientKey)] IChatClient chatClient) : INodeHandler
{
    public async ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!GeminiNodeParameters.TryParse(context.Parameters, out var parameters, out var parameterError))
        {
            return NodeResult.Failure(parameterError);
        }

        ChatMessage[] messages = [new(ChatRole.User, parameters.Prompt)];
        var options = new ChatOptions
        {
            ModelId = parameters.Model,
            Instructions = parameters.SystemInstruction,
            Temperature = parameters.Temperature,
            MaxOutputTokens = parameters.MaxOutputTokens,
        };

        // The chat client's own retries (429, 5xx, timeouts) would otherwise leave the node silent for many seconds: each one is
        // reported as progress, {"retry": {"attempt", "maxAttempts", "waitMs", "reason"}}, before the client waits.
        using var retries = GeminiRetryObserver.Observe(notice => context.ReportProgress(JsonSerializer.SerializeToElement(
            new GeminiNodeRetryProgress { Retry = new GeminiNodeRetry { Attempt = notice.Attempt, MaxAttempts = notice.MaxAttempts, WaitMs = notice.WaitMs, Reason = notice.Reason } },
            GeminiNodeJsonContext.Default.GeminiNodeRetryProgress)));
        ChatResponse response;
        try
        {
            if (parameters.Stream)
            {
                List<ChatResponseUpdate> updates = [];
                await foreach (var update in chatClient.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
                {
                    updates.Add(update);
                    var delta = update.Text;
                    if (delta.Length > 0)
                    {
                        context.ReportProgress(JsonSerializer.SerializeToElement(new GeminiNodeDelta { Delta = delta }, GeminiNodeJsonContext.Default.GeminiNodeDelta));
                    }
                }

                response = updates.ToChatResponse();
            }
            else
            {
                response = await chatClient.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (GeminiException ex)
        {
            // What the client gave up on as permanent (400/401/403/404, a daily quota, a broken stream) is not tried again by the node.
            return NodeResult.Failure(ex.Message, isRetryable: ex.IsTransient);
        }

        var text = response.Text;
        var finishReason = FinishReason(response);
        if (Property(response, GeminiChatClient.BlockReasonProperty) is { } blockReason)
        {
            return NodeResult.Failure(Property(response, GeminiChatClient.BlockReasonMessageProperty) is { } detail
                ? $"Gemini blocked the prompt (blockReason {blockReason}): {detail}"
                : $"Gemini blocked the prompt (blockReason {blockReason}).");
        }

        if (finishReason is not null && GeminiFinishReasons.IsBlocking(finishReason))
        {
            return NodeResult.Failure(GeminiFinishReasons.Describe(finishReason));
        }

        if (response.FinishReason == ChatFinishReason.ContentFilter)
        {
            return NodeResult.Failure($"The model's content filter blocked the response (finishReason {finishReason}).");
        }

        if (response.FinishReason == ChatFinishReason.Length && string.IsNullOrEmpty(text))
        {
            return NodeResult.Failure(
                $"The output limit was reached before any text was produced (finishReason {finishReason}): raise maxOutputTokens (on thinking models the thoughts count against it).");
        }

        var model = response.ModelId ?? parameters.Model ?? chatClient.GetService<ChatClientMetadata>()?.DefaultModelId;
        var output = new GeminiNodeOutput
        {
            Response = text,
            Model = model,
            Usage = new GeminiNodeUsage
            {
                InputTokens = response.Usage?.InputTokenCount,
                OutputTokens = response.Usage?.OutputTokenCount,
                TotalTokens = response.Usage?.TotalTokenCount,
            },
            FinishReason = finishReason,
        };
        return NodeResult.Success(JsonSerializer.SerializeToElement(output, GeminiNodeJsonContext.Default.GeminiNodeOutput));
    }

    /// <summary>
    /// The finish reason as the API sent it (<see cref="GeminiChatClient"/> keeps it in the response's additional properties);
    /// for another chat client, stop and length in Gemini's spelling (<c>STOP</c>, <c>MAX_TOKENS</c>), anything else as reported.
    /// </summary>
    private static string? FinishReason(ChatResponse response)
    {
        if (Property(response, GeminiChatClient.FinishReasonProperty) is { } raw)
        {
            return raw;
        }

        if (response.FinishReason is not { } reason)
        {
            return null;
        }

        return reason == ChatFinishReason.Stop ? "STOP" : reason == ChatFinishReason.Length ? "MAX_TOKENS" : reason.Value;
    }

    /// <summary>
    /// A string property of the response, or of its messages (combining streamed updates puts their properties on the message).
    /// </summary>
    private static string? Property(ChatResponse response, string name)
    {
        if (Find(response.AdditionalProperties, name) is { } value)
        {
            return value;
        }

        for (var i = response.Messages.Count - 1; i >= 0; i--)
        {
            if (Find(response.Messages[i].AdditionalProperties, name) is { } found)
            {
                return found;
            }
        }

        return null;

        static string? Find(AdditionalPropertiesDictionary? properties, string name)
            => properties?.TryGetValue(name, out var value) == true && value is string { Length: > 0 } text ? text : null;
    }
}
