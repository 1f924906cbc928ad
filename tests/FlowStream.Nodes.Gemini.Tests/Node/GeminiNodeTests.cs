using System.Text.Json;
using System.Text.Json.Nodes;
using FlowStream.Nodes.Gemini.Tests.Infrastructure;

namespace FlowStream.Nodes.Gemini.Tests.Node;

/// <summary>The gemini node end to end: engine → node → GeminiChatClient → fake Gemini server on 127.0.0.1.</summary>
public class GeminiNodeTests
{
    private const string ExpectedOutput = """
        {"response":"The capital of France is **Paris**.","model":"gemini-2.5-flash","usage":{"inputTokens":8,"outputTokens":32,"totalTokens":40},"finishReason":"STOP"}
        """;

    [Fact]
    public async Task Unary_SendsTheExactRequestAndOutputsResponseModelUsageAndFinishReason()
    {
        await using var host = await GeminiTestHost.StartAsync();

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false, """
            "model": "gemini-2.5-flash", "systemInstruction": "You are terse.", "temperature": 0.7, "maxOutputTokens": 1024
            """));

        run.Status.Should().Be("success", run.Error);
        JsonNode.DeepEquals(JsonNode.Parse(run.Output.GetRawText()), JsonNode.Parse(ExpectedOutput)).Should().BeTrue(run.Output.GetRawText());
        run.Deltas.Should().BeEmpty("stream is off");

        var request = host.Server.Requests.Should().ContainSingle().Subject;
        request.Method.Should().Be("POST");
        request.Path.Should().Be("/v1beta/models/gemini-2.5-flash:generateContent");
        request.Query.Should().BeEmpty();
        request.Headers["x-goog-api-key"].Should().Be(FakeGeminiServer.ValidKey);
        request.Headers["Content-Type"].Should().StartWith("application/json");
        JsonNode.DeepEquals(JsonNode.Parse(request.Body), JsonNode.Parse("""
            {
              "systemInstruction": {"parts": [{"text": "You are terse."}]},
              "contents": [{"role": "user", "parts": [{"text": "Capital of France?"}]}],
              "generationConfig": {"temperature": 0.7, "maxOutputTokens": 1024}
            }
            """)).Should().BeTrue(request.Body);
    }

    [Fact]
    public async Task Streaming_SendsOneProgressEventPerChunkInOrderBeforeNodeExecutionAfter()
    {
        await using var host = await GeminiTestHost.StartAsync();

        var run = await host.RunAsync("""{"prompt": "Capital of {{ $input.country }}?"}""");

        run.Status.Should().Be("success", run.Error);
        run.Deltas.Should().Equal("The capital", " of France is", " **Paris**.");
        var progress = run.Events.Select((e, i) => (e, i)).Where(x => x.e.Is(ExecutionEventTypes.NodeExecutionProgress)).Select(x => x.i).ToList();
        var before = run.Events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, GeminiTestHost.NodeName);
        progress.Should().Equal([before + 1, before + 2, before + 3], "one progress event per chunk, between the node's before and after, nothing else in between");
        run.Events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, GeminiTestHost.NodeName).Should().Be(before + 4);
        run.Events.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, run.Events.Count).Select(i => (long)i), "the events reach the subscriber in publish order");
        run.Events.Where(e => e.Is(ExecutionEventTypes.NodeExecutionProgress)).Select(e => e.ToString()).First()
            .Should().Contain("""
                "data":{"delta":"The capital"}
                """);
        JsonNode.DeepEquals(JsonNode.Parse(run.Output.GetRawText()), JsonNode.Parse(ExpectedOutput)).Should().BeTrue(run.Output.GetRawText());

        var request = host.Server.Requests.Should().ContainSingle().Subject;
        request.Path.Should().Be("/v1beta/models/gemini-2.5-flash:streamGenerateContent", "the default model is gemini-2.5-flash");
        request.Query.Should().Be("?alt=sse");
        request.Headers["x-goog-api-key"].Should().Be(FakeGeminiServer.ValidKey);
        JsonNode.DeepEquals(JsonNode.Parse(request.Body), JsonNode.Parse("""
            {"contents": [{"role": "user", "parts": [{"text": "Capital of France?"}]}]}
            """)).Should().BeTrue(request.Body);
    }

    [Fact]
    public async Task Streaming_ModelParameter_GoesIntoThePath()
    {
        await using var host = await GeminiTestHost.StartAsync();

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: true, "\"model\": \"gemini-2.5-pro\""));

        run.Status.Should().Be("success", run.Error);
        host.Server.Requests.Single().Path.Should().Be("/v1beta/models/gemini-2.5-pro:streamGenerateContent");
        run.Output.GetProperty("model").GetString().Should().Be("gemini-2.5-flash", "the output names the API's modelVersion");
    }

    [Fact]
    public async Task Streaming_ChunksSeparatedByLfOnly_AreParsedToo()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Stream([GeminiExamples.StreamChunk1, GeminiExamples.StreamChunk2, GeminiExamples.StreamChunk3], separator: "\n\n"));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: true));

        run.Status.Should().Be("success", run.Error);
        run.Deltas.Should().Equal("The capital", " of France is", " **Paris**.");
    }

    [Fact]
    public async Task UnknownFinishReason_IsTolerated()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Unary(GeminiExamples.UnarySuccess.Replace("\"STOP\"", "\"SOMETHING_NEW\"", StringComparison.Ordinal)));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false));

        run.Status.Should().Be("success", run.Error);
        run.Output.GetProperty("finishReason").GetString().Should().Be("SOMETHING_NEW");
        run.Output.GetProperty("response").GetString().Should().Be("The capital of France is **Paris**.");
    }

    [Fact]
    public async Task ThoughtParts_AreNotPartOfTheResponse()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Stream([
            """{"candidates": [{"content": {"parts": [{"text": "**Locating the capital**\n\nFrance.","thought": true}],"role": "model"},"index": 0}],"modelVersion": "gemini-2.5-flash","responseId": "r1"}""",
            GeminiExamples.StreamChunk3,
        ]));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: true));

        run.Status.Should().Be("success", run.Error);
        run.Deltas.Should().Equal(" **Paris**.");
        run.Output.GetProperty("response").GetString().Should().Be(" **Paris**.");
    }

    [Theory]
    [InlineData("""{"stream": false}""", "The gemini node needs a non-empty 'prompt' parameter.")]
    [InlineData("""{"prompt": "  "}""", "The gemini node needs a non-empty 'prompt' parameter.")]
    [InlineData("""{"prompt": "Hi", "temperature": "warm"}""", "Parameter 'temperature' must be a number.")]
    [InlineData("""{"prompt": "Hi", "maxOutputTokens": 1.5}""", "Parameter 'maxOutputTokens' must be a whole number.")]
    [InlineData("""{"prompt": "Hi", "maxOutputTokens": 0}""", "Parameter 'maxOutputTokens' must be at least 1.")]
    [InlineData("""{"prompt": "Hi", "stream": "sometimes"}""", "Parameter 'stream' must be true or false.")]
    [InlineData("""{"prompt": "Hi", "model": "../../secrets"}""", "'../../secrets' is not a valid Gemini model name: use letters, digits, '.', '-' and '_', such as gemini-2.5-flash.")]
    public async Task BadParameters_FailTheNodeWithoutARequest(string parameters, string error)
    {
        await using var host = await GeminiTestHost.StartAsync();

        var run = await host.RunAsync(parameters);

        run.Status.Should().Be("error");
        run.Error.Should().Be(error);
        host.Server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task NumbersAndBooleansAsTemplatedStrings_AreAccepted()
    {
        await using var host = await GeminiTestHost.StartAsync();

        var run = await host.RunAsync("""{"prompt": "Hi", "temperature": "0.25", "maxOutputTokens": "64", "stream": "false"}""");

        run.Status.Should().Be("success", run.Error);
        var config = host.Server.Requests.Single().Json.GetProperty("generationConfig");
        config.GetProperty("temperature").GetDouble().Should().Be(0.25);
        config.GetProperty("maxOutputTokens").GetInt32().Should().Be(64);
        host.Server.Requests.Single().GeminiMethod.Should().Be("generateContent");
    }
}
