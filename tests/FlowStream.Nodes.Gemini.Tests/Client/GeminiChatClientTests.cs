using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowStream.Nodes.Gemini.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Nodes.Gemini.Tests.Client;

/// <summary>GeminiChatClient as an IChatClient: request and response mapping against the fake server.</summary>
public class GeminiChatClientTests
{
    private static readonly ChatMessage[] Conversation =
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, "Hi"),
        new(ChatRole.Assistant, "Hello."),
        new(ChatRole.User, "Capital of France?"),
    ];

    private static readonly ChatOptions AllOptions = new()
    {
        ModelId = "gemini-2.5-pro",
        Temperature = 0.7f,
        TopP = 0.95f,
        TopK = 40,
        MaxOutputTokens = 1024,
        StopSequences = ["END"],
        ResponseFormat = ChatResponseFormat.Json,
    };

    [Fact]
    public async Task GetResponseAsync_MapsMessagesAndOptionsToTheRequestBody()
    {
        await using var host = await GeminiTestHost.StartAsync();
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        await client.GetResponseAsync(Conversation, AllOptions, TestContext.Current.CancellationToken);

        var request = host.Server.Requests.Single();
        request.Path.Should().Be("/v1beta/models/gemini-2.5-pro:generateContent");
        JsonNode.DeepEquals(JsonNode.Parse(request.Body), JsonNode.Parse("""
            {
              "systemInstruction": {"parts": [{"text": "You are terse."}]},
              "contents": [
                {"role": "user",  "parts": [{"text": "Hi"}]},
                {"role": "model", "parts": [{"text": "Hello."}]},
                {"role": "user",  "parts": [{"text": "Capital of France?"}]}
              ],
              "generationConfig": {
                "temperature": 0.7, "topP": 0.95, "topK": 40,
                "maxOutputTokens": 1024,
                "stopSequences": ["END"],
                "responseMimeType": "application/json"
              }
            }
            """)).Should().BeTrue(request.Body);
    }

    [Fact]
    public async Task GetResponseAsync_InstructionsAndJsonSchema_AreMapped()
    {
        await using var host = await GeminiTestHost.StartAsync();
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);
        var schema = JsonDocument.Parse("""{"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}""").RootElement;

        await client.GetResponseAsync(
            "Capital of France?",
            new ChatOptions { Instructions = "Answer in JSON.", ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "city") },
            TestContext.Current.CancellationToken);

        var body = host.Server.Requests.Single().Json;
        body.GetProperty("systemInstruction").GetProperty("parts")[0].GetProperty("text").GetString().Should().Be("Answer in JSON.");
        body.GetProperty("generationConfig").GetProperty("responseMimeType").GetString().Should().Be("application/json");
        JsonNode.DeepEquals(JsonNode.Parse(body.GetProperty("generationConfig").GetProperty("responseJsonSchema").GetRawText()), JsonNode.Parse(schema.GetRawText())).Should().BeTrue();
        body.GetProperty("contents")[0].GetProperty("role").GetString().Should().Be("user");
    }

    [Fact]
    public async Task GetResponseAsync_MapsTextFinishReasonUsageModelVersionAndResponseId()
    {
        await using var host = await GeminiTestHost.StartAsync();
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        var response = await client.GetResponseAsync(Conversation, cancellationToken: TestContext.Current.CancellationToken);

        response.Text.Should().Be("The capital of France is **Paris**.");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.AdditionalProperties![GeminiChatClient.FinishReasonProperty].Should().Be("STOP");
        response.ModelId.Should().Be("gemini-2.5-flash");
        response.ResponseId.Should().Be("2pmHaJqQEoqC-8YP6eStyAY");
        response.Usage!.InputTokenCount.Should().Be(8);
        response.Usage.OutputTokenCount.Should().Be(32, "candidates (8) + thoughts (24): Microsoft.Extensions.AI counts reasoning as output");
        response.Usage.ReasoningTokenCount.Should().Be(24);
        response.Usage.TotalTokenCount.Should().Be(40);
        response.Messages.Should().ContainSingle().Which.Role.Should().Be(ChatRole.Assistant);
    }

    [Fact]
    public async Task GetResponseAsync_ThoughtParts_AreReasoningNotText()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Unary(GeminiExamples.UnarySuccess.Replace(
            """
                      {
                        "text": "The capital of France is **Paris**."
                      }
            """,
            """
                      {
                        "text": "**Recalling geography**",
                        "thought": true
                      },
                      {
                        "text": "The capital of France is **Paris**."
                      }
            """,
            StringComparison.Ordinal)));
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        var response = await client.GetResponseAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);

        response.Text.Should().Be("The capital of France is **Paris**.");
        response.Messages[0].Contents.OfType<TextReasoningContent>().Should().ContainSingle().Which.Text.Should().Be("**Recalling geography**");
    }

    [Fact]
    public async Task GetStreamingResponseAsync_YieldsOneUpdatePerChunkThenTheFinalUsage()
    {
        await using var host = await GeminiTestHost.StartAsync();
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        List<ChatResponseUpdate> updates = [];
        await foreach (var update in client.GetStreamingResponseAsync(Conversation, AllOptions, TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        updates.Select(u => u.Text).Should().Equal("The capital", " of France is", " **Paris**.", "");
        updates.Take(3).Should().OnlyContain(u => u.ResponseId == "0J-HaJetAqv0jrEPwu-tsQ0" && u.ModelId == "gemini-2.5-flash");
        updates[2].FinishReason.Should().Be(ChatFinishReason.Stop);
        updates[^1].Contents.Should().ContainSingle().Which.Should().BeOfType<UsageContent>();

        var response = updates.ToChatResponse();
        response.Text.Should().Be("The capital of France is **Paris**.");
        response.Usage!.InputTokenCount.Should().Be(8);
        response.Usage.OutputTokenCount.Should().Be(32, "the last chunk's cumulative counts, once");
        response.Usage.TotalTokenCount.Should().Be(40);
        response.FinishReason.Should().Be(ChatFinishReason.Stop);

        var request = host.Server.Requests.Single();
        request.Path.Should().Be("/v1beta/models/gemini-2.5-pro:streamGenerateContent");
        request.Query.Should().Be("?alt=sse");
        request.Headers["Accept"].Should().Be("text/event-stream");
    }

    [Fact]
    public async Task ModelsPrefix_IsAccepted()
    {
        await using var host = await GeminiTestHost.StartAsync();
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        await client.GetResponseAsync("Hi", new ChatOptions { ModelId = "models/gemini-2.5-flash-lite" }, TestContext.Current.CancellationToken);

        host.Server.Requests.Single().Path.Should().Be("/v1beta/models/gemini-2.5-flash-lite:generateContent");
    }

    [Fact]
    public async Task ApiError_ThrowsGeminiExceptionWithStatus_WithoutTheKey()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Error(404, GeminiExamples.UnknownModelError));
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        var exception = await Assert.ThrowsAsync<GeminiException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        exception.StatusCode.Should().Be(HttpStatusCode.NotFound);
        exception.Status.Should().Be("NOT_FOUND");
        exception.IsTransient.Should().BeFalse();
        exception.Attempts.Should().Be(1);
        host.AssertNoSecretLeaked([], exception);
    }

    [Fact]
    public async Task Quota429_ExposesTheRetryDelayOnTheException()
    {
        await using var host = await GeminiTestHost.StartAsync(options => options.MaxAttempts = 1);
        host.Server.Enqueue(FakeResponse.Error(429, GeminiExamples.QuotaError));
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        var exception = await Assert.ThrowsAsync<GeminiException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        exception.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        exception.IsTransient.Should().BeTrue();
        exception.RetryDelay.Should().Be(TimeSpan.FromSeconds(41));
        exception.Message.Should().StartWith("Gemini API error 429 RESOURCE_EXHAUSTED: You exceeded your current quota");
    }

    [Fact]
    public async Task GetService_ReturnsMetadataAndItself()
    {
        await using var host = await GeminiTestHost.StartAsync(options => options.DefaultModel = "models/gemini-2.5-pro");
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        var metadata = client.GetService<ChatClientMetadata>()!;
        metadata.ProviderName.Should().Be("gcp.gemini");
        metadata.ProviderUri.Should().Be(host.Server.BaseAddress);
        metadata.DefaultModelId.Should().Be("gemini-2.5-pro");
        client.GetService<GeminiChatClient>().Should().BeSameAs(client);
        client.GetService<ChatClientMetadata>("some key").Should().BeNull();
    }

    [Fact]
    public async Task PublicConstructor_WorksOverAnyHttpClient()
    {
        await using var server = await FakeGeminiServer.StartAsync();
        using var http = new HttpClient();
        using var client = new GeminiChatClient(http, new GeminiOptions { ApiKey = FakeGeminiServer.ValidKey, BaseUrl = server.BaseAddress });

        var response = await client.GetResponseAsync("Capital of France?", cancellationToken: TestContext.Current.CancellationToken);

        response.Text.Should().Be("The capital of France is **Paris**.");
        server.Requests.Single().Headers["x-goog-api-key"].Should().Be(FakeGeminiServer.ValidKey);
    }

    [Fact]
    public void PublicConstructor_RejectsInvalidOptions()
    {
        using var http = new HttpClient();

        var act = () => new GeminiChatClient(http, new GeminiOptions { MaxAttempts = 0, ApiKey = "AIzaSySECRET-constructor-key" });

        act.Should().Throw<ArgumentException>().WithMessage("*MaxAttempts must be from 1 to 20 (was 0)*")
            .Which.ToString().Should().NotContain("AIzaSySECRET-constructor-key");
    }

    [Fact]
    public async Task ToolsAndToolMessages_AreNotSupported()
    {
        await using var host = await GeminiTestHost.StartAsync();
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            "Hi", new ChatOptions { Tools = [AIFunctionFactory.Create(() => 42, "answer")] }, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.Tool, "42")], cancellationToken: TestContext.Current.CancellationToken));
        host.Server.Requests.Should().BeEmpty();
    }
}
