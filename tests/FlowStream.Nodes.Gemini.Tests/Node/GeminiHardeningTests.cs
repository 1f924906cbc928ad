using System.Text.Json;
using FlowStream.Nodes.Gemini.Tests.Infrastructure;

namespace FlowStream.Nodes.Gemini.Tests.Node;

/// <summary>Issue 11: the key never follows a redirect, node retries never repeat what the client found permanent, responses are size-capped.</summary>
public class GeminiHardeningTests
{
    [Theory]
    [InlineData(false, 307)]
    [InlineData(true, 302)]
    [InlineData(false, 308)]
    public async Task Redirect_IsNotFollowed_AndTheKeyStaysHome(bool stream, int status)
    {
        await using var elsewhere = await FakeGeminiServer.StartAsync();
        await using var host = await GeminiTestHost.StartAsync();
        var target = new Uri(elsewhere.BaseAddress, "/v1beta/models/gemini-2.5-flash:generateContent").AbsoluteUri;
        host.Server.Enqueue(FakeResponse.Error(status, "", new Dictionary<string, string> { ["Location"] = target }));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream));

        run.Status.Should().Be("error");
        run.Error.Should().StartWith($"Gemini API error {status}");
        host.Server.Requests.Should().ContainSingle();
        elsewhere.Requests.Should().BeEmpty("the x-goog-api-key header must never be carried to another host");
    }

    [Theory]
    [InlineData(false, 400, GeminiExamples.InvalidKeyError)]
    [InlineData(true, 403, GeminiExamples.MissingKeyError)]
    [InlineData(false, 429, "daily")]
    public async Task NonTransientFailure_IsNotRetriedByTheNodesRetryPolicy(bool stream, int status, string body)
    {
        await using var host = await GeminiTestHost.StartAsync();
        var error = body == "daily" ? GeminiExamples.QuotaError.Replace("PerMinute", "PerDay", StringComparison.Ordinal) : body;
        for (var i = 0; i < 3; i++)
        {
            host.Server.Enqueue(FakeResponse.Error(status, error));
        }

        var workflow = new WorkflowBuilder("gemini-retry", "Gemini with node retries")
            .AddNode("Start", "manualTrigger")
            .AddNode(new NodeDefinition
            {
                Name = GeminiTestHost.NodeName,
                Type = GeminiNode.Type,
                Parameters = JsonDocument.Parse(GeminiTestHost.Parameters(stream)).RootElement.Clone(),
                Retry = new NodeRetryPolicy { MaxTries = 3 },
            })
            .Connect("Start", GeminiTestHost.NodeName)
            .Build();

        var run = host.Start(workflow);
        await run.CompleteAsync();

        run.Status.Should().Be("error");
        run.Error.Should().StartWith($"Gemini API error {status}");
        host.Server.Requests.Should().ContainSingle("a failure the client marked non-transient is not sent again by the node's retry policy");
        run.Events.Should().NotContain(e => e.Type == ExecutionEventTypes.NodeExecutionRetry);
    }

    [Fact]
    public async Task NodeResultOfANonTransientGeminiException_IsNotRetryable()
    {
        var failure = NodeResult.Failure("Gemini API error 400 INVALID_ARGUMENT: x", isRetryable: false);

        failure.IsRetryable.Should().BeFalse();
        NodeResult.Failure("boom").IsRetryable.Should().BeTrue("a plain failure may be retried, as before");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task UnaryResponse_LargerThanMaxResponseBytes_FailsWithoutRetry()
    {
        await using var host = await GeminiTestHost.StartAsync(o => o.MaxResponseBytes = 1024);
        var large = GeminiExamples.UnarySuccess.Replace("\"text\": \"", "\"text\": \"" + new string('x', 4096), StringComparison.Ordinal);
        large.Should().NotBe(GeminiExamples.UnarySuccess);
        host.Server.Enqueue(FakeResponse.Unary(large));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false));

        run.Error.Should().Contain("larger than 1024 bytes").And.Contain("MaxResponseBytes");
        host.Server.Requests.Should().ContainSingle();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task StreamLine_LongerThanMaxStreamLineBytes_Fails(bool firstChunk)
    {
        await using var host = await GeminiTestHost.StartAsync(o => o.MaxStreamLineBytes = 1024);
        var huge = GeminiExamples.StreamChunk2.Replace("\"text\": \"", "\"text\": \"" + new string('x', 4096), StringComparison.Ordinal);
        huge.Should().NotBe(GeminiExamples.StreamChunk2);
        host.Server.Enqueue(FakeResponse.Stream(firstChunk ? [huge] : [GeminiExamples.StreamChunk1, huge]));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: true));

        run.Error.Should().Contain("longer than 1024 bytes").And.Contain("MaxStreamLineBytes");
        host.Server.Requests.Should().ContainSingle();
    }

    [Fact]
    public void Options_SizeCapsAreValidated()
    {
        var failures = FlowStream.Nodes.Gemini.DependencyInjection.GeminiOptionsValidator.GetFailures(new GeminiOptions { MaxResponseBytes = 10, MaxStreamLineBytes = 0 });

        failures.Should().Contain(f => f.Contains("MaxResponseBytes")).And.Contain(f => f.Contains("MaxStreamLineBytes"));
        new GeminiOptions().MaxResponseBytes.Should().Be(16 * 1024 * 1024);
        new GeminiOptions().MaxStreamLineBytes.Should().Be(1024 * 1024);
    }
}
