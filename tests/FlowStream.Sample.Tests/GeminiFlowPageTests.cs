using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>The sample's Gemini flow in the page: the error without a key, and the answer growing as deltas arrive.</summary>
[Collection(BrowserCollection.Name)]
public sealed class GeminiFlowPageTests(BrowserFixture fixture)
{
    private const float Timeout = 30_000;

    [Fact]
    public async Task GeminiFlow_WithoutAKey_ShowsApiKeyNotConfiguredOnTheGeminiNode()
    {
        Environment.SetEnvironmentVariable("GEMINI_API_KEY", null);
        await using var server = await SampleServer.StartAsync();
        var page = await OpenAsync(server);

        await page.ClickAsync("#run");
        await page.Locator("body[data-execution-status='error']").WaitForAsync(new() { Timeout = Timeout });

        (await page.GetAttributeAsync(".node[data-node-name='Gemini AI']", "data-status")).Should().Be("error");
        (await page.TextContentAsync(".node[data-node-name='Gemini AI'] .node-error")).Should().Be("API key not configured");
        (await page.GetAttributeAsync(".node[data-node-name='Format']", "data-status")).Should().Be("skipped");

        // Next to the error, the page says how to set a key.
        await Assertions.Expect(page.Locator("#hint")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#hint")).ToContainTextAsync("dotnet user-secrets set FlowStream:Gemini:ApiKey");
        await Assertions.Expect(page.Locator("#hint")).ToContainTextAsync("GEMINI_API_KEY");
        await page.ClickAsync(".node[data-node-name='Gemini AI']");
        await Assertions.Expect(page.Locator("#details-help")).ToContainTextAsync("dotnet user-secrets set FlowStream:Gemini:ApiKey");
        (await page.TextContentAsync("#details-body")).Should().StartWith("Error: API key not configured");
    }

    [Fact]
    public async Task GeminiFlow_WithAStreamingChatClient_ShowsTheTextGrowingAsDeltasArrive()
    {
        var chat = new SteppedChatClient(["Quiet river ", "carries ", "the spring light home"]);
        await using var server = await SampleServer.StartAsync(builder => builder.Services.AddKeyedSingleton<IChatClient>("gemini", chat));
        var page = await OpenAsync(server);
        var stream = page.Locator(".node[data-node-name='Gemini AI'] .stream");

        await page.ClickAsync("#run");
        await Assertions.Expect(stream).ToHaveTextAsync("Quiet river ", new() { Timeout = Timeout });
        (await page.GetAttributeAsync(".node[data-node-name='Gemini AI']", "data-status")).Should().Be("running", "the first delta is shown while the node still runs");
        chat.Next();
        await Assertions.Expect(stream).ToHaveTextAsync("Quiet river carries ", new() { Timeout = Timeout });
        chat.Next();
        await page.Locator("body[data-execution-status='success']").WaitForAsync(new() { Timeout = Timeout });

        (await stream.TextContentAsync()).Should().Be("Quiet river carries the spring light home");
        chat.Prompts.Should().ContainSingle().Which.Should().Contain("rivers in spring", "the prompt template was resolved from the input data");
        await page.ClickAsync(".node[data-node-name='Format']");
        (await page.TextContentAsync("#details-body")).Should().Contain("Quiet river carries the spring light home");
    }

    [Fact]
    public async Task GeminiFlow_WhenTheClientRetries_TheNodeShowsTheRetryWithItsReasonAndWait()
    {
        var handler = new OverloadedOnceHandler();
        await using var server = await SampleServer.StartAsync(builder =>
        {
            builder.Services.Configure<FlowStream.Nodes.Gemini.GeminiOptions>(o =>
            {
                o.ApiKey = "test-key";
                o.BaseDelay = TimeSpan.FromMilliseconds(20);
            });
            builder.Services.AddHttpClient(FlowStream.Nodes.Gemini.GeminiChatClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        });
        var page = await OpenAsync(server);
        var note = page.Locator(".node[data-node-name='Gemini AI'] .node-note");

        await page.ClickAsync("#run");
        await Assertions.Expect(note).ToContainTextAsync("attempt 1 of 5 failed: Gemini API error 503 UNAVAILABLE", new() { Timeout = Timeout });
        await Assertions.Expect(note).ToContainTextAsync("retrying in");
        (await page.GetAttributeAsync(".node[data-node-name='Gemini AI']", "data-status")).Should().Be("running", "the retry is shown while the node waits");
        await Assertions.Expect(page.Locator("#log li[data-type='nodeExecutionProgress'] .status")).ToHaveTextAsync("retry after attempt 1");
        handler.Release();
        await page.Locator("body[data-execution-status='success']").WaitForAsync(new() { Timeout = Timeout });

        (await page.TextContentAsync(".node[data-node-name='Gemini AI'] .stream")).Should().Be("Quiet river");
    }

    private async Task<IPage> OpenAsync(SampleServer server)
    {
        var browser = fixture.RequireBrowser();
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 720 } });
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(server.BaseUrl);
        await page.ClickAsync("#flows button[data-flow-id='gemini']");
        await page.Locator("#run:not([disabled])").WaitForAsync();
        return page;
    }

    /// <summary>The Gemini API as seen by the sample's HttpClient: 503 once, then (when the test says so) a one-chunk stream.</summary>
    private sealed class OverloadedOnceHandler : HttpMessageHandler
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _requests;

        public void Release() => _release.TrySetResult();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _requests) == 1)
            {
                return new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable)
                {
                    Content = new StringContent("""{"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}""", System.Text.Encoding.UTF8, "application/json"),
                };
            }

            await _release.Task.WaitAsync(cancellationToken);
            return new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent(
                    "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Quiet river\"}], \"role\": \"model\"}, \"finishReason\": \"STOP\"}], \"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n",
                    System.Text.Encoding.UTF8,
                    "text/event-stream"),
            };
        }
    }

    /// <summary>An IChatClient that streams its deltas one at a time, each after the test says so.</summary>
    private sealed class SteppedChatClient(string[] deltas) : IChatClient
    {
        private readonly SemaphoreSlim _steps = new(0);

        public List<string> Prompts { get; } = [];

        public void Next() => _steps.Release();

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
            => throw new NotSupportedException("The sample's flow streams.");

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Prompts.Add(string.Join("\n", messages.Select(m => m.Text)));
            for (var i = 0; i < deltas.Length; i++)
            {
                if (i > 0)
                {
                    await _steps.WaitAsync(cancellationToken);
                }

                yield return new ChatResponseUpdate(ChatRole.Assistant, deltas[i]) { ModelId = "stepped-model" };
            }

            yield return new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, ModelId = "stepped-model" };
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose() => _steps.Dispose();
    }
}
