using FlowStream.Nodes.Gemini.Tests.Infrastructure;

namespace FlowStream.Nodes.Gemini.Tests.Node;

/// <summary>API errors and content blocks surface as node errors with the documented messages, and are not retried.</summary>
public class GeminiNodeErrorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InvalidKey_FailsWithTheApisMessage_NotRetried(bool stream)
    {
        await using var host = await GeminiTestHost.StartAsync(apiKey: "AIzaSyWRONG-key-that-the-fake-rejects-987");

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream));

        run.Status.Should().Be("error");
        run.Error.Should().Be("Gemini API error 400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key.");
        host.Server.Requests.Should().ContainSingle().Which.Headers["x-goog-api-key"].Should().Be("AIzaSyWRONG-key-that-the-fake-rejects-987");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MissingKey403_FailsWithTheApisMessage_NotRetried(bool stream)
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Error(403, GeminiExamples.MissingKeyError));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream));

        run.Error.Should().Be("Gemini API error 403 PERMISSION_DENIED: Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
        host.Server.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UnknownModel404_FailsWithTheApisMessage_NotRetried(bool stream)
    {
        await using var host = await GeminiTestHost.StartAsync();

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream, $"\"model\": \"{FakeGeminiServer.UnknownModel}\""));

        run.Error.Should().Be("Gemini API error 404 NOT_FOUND: models/wrong-model-name is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.");
        var request = host.Server.Requests.Should().ContainSingle().Subject;
        request.Path.Should().EndWith("/models/wrong-model-name:" + (stream ? "streamGenerateContent" : "generateContent"));
    }

    [Fact]
    public async Task StreamingEndpointError_IsPlainJsonWithEventStreamContentType_AndIsRecognised()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Error(400, GeminiExamples.InvalidKeyError));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: true));

        run.Error.Should().Be("Gemini API error 400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key.");
    }

    [Fact]
    public async Task ErrorBodyThatIsNotTheApisEnvelope_NamesTheHttpStatus()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Error(401, "<html>Unauthorized</html>"));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false));

        run.Error.Should().Be("Gemini API error 401: Unauthorized");
        host.Server.Requests.Should().ContainSingle("401 is never retried");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BlockedPrompt_IsANodeErrorNamingTheReason(bool stream)
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(stream
            ? FakeResponse.Stream([System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(GeminiExamples.BlockedPrompt).RootElement)])
            : FakeResponse.Unary(GeminiExamples.BlockedPrompt));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream));

        run.Status.Should().Be("error");
        run.Error.Should().Be("Gemini blocked the prompt (blockReason SAFETY).");
        run.Deltas.Should().BeEmpty();
        host.Server.Requests.Should().ContainSingle("a blocked prompt is not retried");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SafetyFinish_IsANodeErrorNamingTheReason(bool stream)
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(stream
            ? FakeResponse.Stream([
                GeminiExamples.StreamChunk1,
                """{"candidates": [{"finishReason": "SAFETY","index": 0}],"usageMetadata": {"promptTokenCount": 8,"candidatesTokenCount": 2,"totalTokenCount": 34,"thoughtsTokenCount": 24},"modelVersion": "gemini-2.5-flash","responseId": "0J-HaJetAqv0jrEPwu-tsQ0"}""",
            ])
            : FakeResponse.Unary(GeminiExamples.SafetyFinish));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream));

        run.Status.Should().Be("error");
        run.Error.Should().Be("Gemini stopped the response for safety reasons (finishReason SAFETY).");
        run.Deltas.Should().Equal(stream ? ["The capital"] : []);
        host.Server.Requests.Should().ContainSingle("a SAFETY finish is not retried");
    }

    [Theory]
    [InlineData("RECITATION", "Gemini stopped the response because it recited source material (finishReason RECITATION).")]
    [InlineData("PROHIBITED_CONTENT", "Gemini stopped the response because it contained prohibited content (finishReason PROHIBITED_CONTENT).")]
    public async Task OtherBlockingFinishes_AreNodeErrorsNamingTheReason(string reason, string message)
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Unary(GeminiExamples.SafetyFinish.Replace("\"SAFETY\"", $"\"{reason}\"", StringComparison.Ordinal)));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false));

        run.Error.Should().Be(message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MaxTokensWithEmptyContent_IsAnErrorSayingTheOutputLimitWasReached(bool stream)
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(stream
            ? FakeResponse.Stream([System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(GeminiExamples.MaxTokensEmpty).RootElement)])
            : FakeResponse.Unary(GeminiExamples.MaxTokensEmpty));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream, "\"maxOutputTokens\": 16"));

        run.Status.Should().Be("error");
        run.Error.Should().Be("The output limit was reached before any text was produced (finishReason MAX_TOKENS): raise maxOutputTokens (on thinking models the thoughts count against it).");
    }

    [Fact]
    public async Task MaxTokensWithText_IsASuccessWithThatFinishReason()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Unary(GeminiExamples.UnarySuccess.Replace("\"STOP\"", "\"MAX_TOKENS\"", StringComparison.Ordinal)));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false));

        run.Status.Should().Be("success", run.Error);
        run.Output.GetProperty("finishReason").GetString().Should().Be("MAX_TOKENS");
    }

    [Fact]
    public async Task ErrorChunkAfterTheFirstChunk_FailsTheNode_NotRetried()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Stream([
            GeminiExamples.StreamChunk1,
            """{"error": {"code": 500,"message": "Internal error encountered.","status": "INTERNAL"}}""",
        ]));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: true));

        run.Error.Should().Be("Gemini API error 500 INTERNAL: Internal error encountered. (sent in the stream after 1 chunk: not retried)");
        run.Deltas.Should().Equal("The capital");
        host.Server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task AbortMidStreamAfterTheFirstChunk_FailsWithAClearError_NotRetried()
    {
        await using var host = await GeminiTestHost.StartAsync();
        var firstDeltaSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Server.Enqueue(FakeResponse.Stream(
            [GeminiExamples.StreamChunk1],
            end: StreamEnd.Abort,
            beforeEnd: ct => firstDeltaSeen.Task.WaitAsync(ct)));

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream: true)));
        await run.WaitForProgressAsync(1);
        firstDeltaSeen.SetResult();
        await run.CompleteAsync();

        run.Status.Should().Be("error");
        run.Error.Should().StartWith("The Gemini stream broke off after 1 chunk: ")
            .And.EndWith("(not retried: part of the response was already delivered)");
        run.Deltas.Should().Equal("The capital");
        host.Server.Requests.Should().ContainSingle("nothing is retried after the first chunk");
    }

    [Fact]
    public async Task ServerHang_EndsWithTheNodesTimeout_AndTheRequestIsAbandoned()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Hang());
        var workflow = new WorkflowBuilder("hang")
            .AddNode("Start", "manualTrigger")
            .AddNode(new NodeDefinition
            {
                Name = GeminiTestHost.NodeName,
                Type = GeminiNode.Type,
                Parameters = System.Text.Json.JsonDocument.Parse(GeminiTestHost.Parameters(stream: true)).RootElement.Clone(),
                TimeoutMs = 30_000,
            })
            .Connect("Start", GeminiTestHost.NodeName)
            .Build();

        var run = host.Start(workflow);
        var request = await host.Server.WaitForRequestAsync();
        await host.Time.AdvanceWhenTimerAsync(TimeSpan.FromSeconds(30));
        await run.CompleteAsync();

        run.Status.Should().Be("error");
        run.Error.Should().Be("Node 'Gemini AI' timed out after 30000 ms");
        await request.Aborted.WithTimeout("the request to the fake Gemini server to be aborted");
        host.Server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task CancelDuringAStream_CancelsTheNodeAndTheRequest()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Stream([GeminiExamples.StreamChunk1], end: StreamEnd.Hang));

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream: true)));
        await run.WaitForProgressAsync(1);
        run.Execution.Cancel().Should().BeTrue();
        await run.CompleteAsync();

        (await run.Execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Canceled);
        run.Status.Should().Be("canceled");
        run.Events[^1].Status().Should().Be("canceled");
        run.Deltas.Should().Equal("The capital");
        await host.Server.Requests.Single().Aborted.WithTimeout("the request to the fake Gemini server to be aborted");
    }

    [Fact]
    public async Task StalledStreamAfterTheFirstChunk_FailsAfterTheTimeout_NotRetried()
    {
        await using var host = await GeminiTestHost.StartAsync(options => options.Timeout = TimeSpan.FromSeconds(10));
        host.Server.Enqueue(FakeResponse.Stream([GeminiExamples.StreamChunk1], end: StreamEnd.Hang));

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream: true)));
        await run.WaitForProgressAsync(1);
        host.Time.Advance(TimeSpan.FromSeconds(10));
        await run.CompleteAsync();

        run.Error.Should().Be("The Gemini stream stalled: no chunk for 10 s after 1 chunk (not retried).");
        host.Server.Requests.Should().ContainSingle();
        await host.Server.Requests.Single().Aborted.WithTimeout("the request to the fake Gemini server to be aborted");
    }

    [Fact]
    public async Task StreamLongerThanTheTimeout_EachGapShorter_Succeeds()
    {
        // Timeout 10 s per chunk; three gaps of 7 s make a 21 s stream. The limit is restarted for each chunk, so it never fires.
        await using var host = await GeminiTestHost.StartAsync(options => options.Timeout = TimeSpan.FromSeconds(10));
        var release = Enumerable.Range(0, 4).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        release[0].SetResult();
        host.Server.Enqueue(FakeResponse.Stream(
            [GeminiExamples.StreamChunk1, GeminiExamples.StreamChunk2, GeminiExamples.StreamChunk2, GeminiExamples.StreamChunk3],
            beforeChunk: (i, ct) => release[i].Task.WaitAsync(ct)));

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream: true)));
        for (var chunk = 1; chunk < 4; chunk++)
        {
            // The chunk's progress event, or the node's end: a stall fails here by assertion, with the node's error.
            var progressSeen = 0;
            var next = await run.Recorder.WaitForAsync(e => e.Is(ExecutionEventTypes.NodeExecutionAfter, GeminiTestHost.NodeName)
                    || (e.Is(ExecutionEventTypes.NodeExecutionProgress, GeminiTestHost.NodeName) && ++progressSeen == chunk))
                .WithTimeout($"chunk {chunk} or the node's end");
            next.Type.Should().Be(ExecutionEventTypes.NodeExecutionProgress, "the stream has run {0} s in gaps of 7 s, each shorter than the 10 s timeout; the node ended with: {1}", (chunk - 1) * 7, next.ErrorMessage());
            host.Time.Advance(TimeSpan.FromSeconds(7));
            release[chunk].SetResult();
        }

        await run.CompleteAsync();

        run.Status.Should().Be("success", run.Error);
        run.Deltas.Should().Equal("The capital", " of France is", " of France is", " **Paris**.");
        host.Server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task PlainJsonAnswerOnTheStreamingEndpoint_IsReadAsOneChunk()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Unary());

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: true));

        run.Status.Should().Be("success", run.Error);
        run.Deltas.Should().Equal("The capital of France is **Paris**.");
    }
}
