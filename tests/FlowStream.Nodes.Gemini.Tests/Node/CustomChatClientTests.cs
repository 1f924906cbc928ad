using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using FlowStream.Nodes.Gemini.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowStream.Nodes.Gemini.Tests.Node;

/// <summary>The gemini node runs on whatever IChatClient is registered under its key.</summary>
public class CustomChatClientTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ClientRegisteredFirst_RunsTheSameWorkflow(bool stream)
    {
        var custom = new EchoChatClient();
        await using var host = await GeminiTestHost.StartAsync(configureServices: services => services.AddKeyedSingleton<IChatClient>(GeminiNode.ChatClientKey, custom));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream, "\"systemInstruction\": \"Shout.\", \"temperature\": 0.5, \"maxOutputTokens\": 99"));

        run.Status.Should().Be("success", run.Error);
        run.Deltas.Should().Equal(stream ? ["ECHO: ", "Capital of France?"] : []);
        JsonNode.DeepEquals(JsonNode.Parse(run.Output.GetRawText()), JsonNode.Parse("""
            {"response":"ECHO: Capital of France?","model":"echo-1","usage":{"inputTokens":3,"outputTokens":4,"totalTokens":7},"finishReason":"STOP"}
            """)).Should().BeTrue(run.Output.GetRawText());
        custom.LastOptions!.Instructions.Should().Be("Shout.");
        custom.LastOptions.Temperature.Should().Be(0.5f);
        custom.LastOptions.MaxOutputTokens.Should().Be(99);
        custom.LastOptions.ModelId.Should().BeNull("no model parameter: the client's own default applies");
        host.Server.Requests.Should().BeEmpty("the Gemini API is not involved");
    }

    [Fact]
    public async Task ClientRegisteredAfterAddGemini_ReplacesGemini()
    {
        var custom = new EchoChatClient();
        await using var provider = ReplaceChatClient(custom);

        var engine = provider.GetRequiredService<IWorkflowEngine>();
        var execution = engine.Start(GeminiTestHost.Workflow("""{"prompt": "Hello", "model": "echo-2"}"""));
        var events = await engine.SubscribeAsync(execution.Id, 0, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var after = events.Single(e => e.Is(ExecutionEventTypes.NodeExecutionAfter, GeminiTestHost.NodeName));
        after.Data.GetProperty("data").GetProperty("response").GetString().Should().Be("ECHO: Hello");
        after.Data.GetProperty("data").GetProperty("model").GetString().Should().Be("echo-1");
        custom.LastOptions!.ModelId.Should().Be("echo-2");
    }

    [Fact]
    public async Task ContentFilterOfAnotherClient_IsANodeError()
    {
        var custom = new EchoChatClient { FinishReason = ChatFinishReason.ContentFilter };
        await using var host = await GeminiTestHost.StartAsync(configureServices: services => services.AddKeyedSingleton<IChatClient>(GeminiNode.ChatClientKey, custom));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false));

        run.Error.Should().Be("The model's content filter blocked the response (finishReason content_filter).");
    }

    private static ServiceProvider ReplaceChatClient(IChatClient client)
    {
        var services = new ServiceCollection();
        services.AddFlowStream().AddGemini(options => options.ApiKey = "unused");
        services.RemoveAllKeyed<IChatClient>(GeminiNode.ChatClientKey);
        services.AddKeyedSingleton(GeminiNode.ChatClientKey, client);
        return services.BuildServiceProvider();
    }

    /// <summary>A small IChatClient that echoes the last user message, in two streamed pieces.</summary>
    private sealed class EchoChatClient : IChatClient
    {
        public ChatOptions? LastOptions { get; private set; }

        public ChatFinishReason FinishReason { get; init; } = ChatFinishReason.Stop;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            LastOptions = options;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ECHO: " + messages.Last().Text))
            {
                ModelId = "echo-1",
                FinishReason = FinishReason,
                Usage = new UsageDetails { InputTokenCount = 3, OutputTokenCount = 4, TotalTokenCount = 7 },
            });
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            LastOptions = options;
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, "ECHO: ") { ModelId = "echo-1" };
            yield return new ChatResponseUpdate(ChatRole.Assistant, messages.Last().Text) { ModelId = "echo-1", FinishReason = FinishReason };
            yield return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 4, TotalTokenCount = 7 })]);
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

        public void Dispose()
        {
        }
    }
}
