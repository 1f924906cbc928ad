using FlowStream.Nodes.Gemini.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Nodes.Gemini.Tests.DependencyInjection;

/// <summary>Tests that read or set the process-wide GEMINI_API_KEY: they never run alongside other tests.</summary>
[CollectionDefinition(nameof(EnvironmentVariableCollection), DisableParallelization = true)]
public sealed class EnvironmentVariableCollection;

[Collection(nameof(EnvironmentVariableCollection))]
public sealed class GeminiApiKeyTests : IDisposable
{
    private readonly string? _saved = Environment.GetEnvironmentVariable(GeminiOptions.ApiKeyEnvironmentVariable);

    public GeminiApiKeyTests() => Environment.SetEnvironmentVariable(GeminiOptions.ApiKeyEnvironmentVariable, null);

    public void Dispose() => Environment.SetEnvironmentVariable(GeminiOptions.ApiKeyEnvironmentVariable, _saved);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task NoKey_FailsTheNodeWithExactlyApiKeyNotConfigured_AndSendsNothing(bool stream)
    {
        await using var host = await GeminiTestHost.StartAsync(apiKey: null);

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream));

        run.Status.Should().Be("error");
        run.Error.Should().Be("API key not configured");
        host.Server.Requests.Should().BeEmpty();
        host.Logs.Entries.Should().Contain(e => e.EventId.Id == 3006);
    }

    [Fact]
    public async Task WhitespaceKey_CountsAsNone()
    {
        await using var host = await GeminiTestHost.StartAsync(apiKey: "   ");

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false));

        run.Error.Should().Be("API key not configured");
        host.Server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task NoKey_ChatClientThrowsInvalidOperationException()
    {
        await using var host = await GeminiTestHost.StartAsync(apiKey: null);
        var client = host.Services.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));

        exception.Message.Should().Be("API key not configured");
        host.Server.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task EnvironmentVariable_IsTheFallback_EvenWhenSetAfterStartUp()
    {
        await using var host = await GeminiTestHost.StartAsync(apiKey: null);
        var first = await host.RunAsync(GeminiTestHost.Parameters(stream: false));
        first.Error.Should().Be("API key not configured");

        Environment.SetEnvironmentVariable(GeminiOptions.ApiKeyEnvironmentVariable, FakeGeminiServer.ValidKey);
        var second = await host.RunAsync(GeminiTestHost.Parameters(stream: true));

        second.Status.Should().Be("success", second.Error);
        var request = host.Server.Requests.Should().ContainSingle().Subject;
        request.Headers["x-goog-api-key"].Should().Be(FakeGeminiServer.ValidKey);
        (request.Path + request.Query).Should().NotContain(FakeGeminiServer.ValidKey);
        foreach (var entry in host.Logs.Entries)
        {
            entry.AllText.Should().NotContain(FakeGeminiServer.ValidKey);
        }

        foreach (var e in second.Events)
        {
            e.ToString().Should().NotContain(FakeGeminiServer.ValidKey);
        }
    }

    [Fact]
    public async Task ConfiguredKey_WinsOverTheEnvironmentVariable()
    {
        Environment.SetEnvironmentVariable(GeminiOptions.ApiKeyEnvironmentVariable, "AIzaSyFROM-the-environment");
        await using var host = await GeminiTestHost.StartAsync();

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false));

        run.Status.Should().Be("success", run.Error);
        host.Server.Requests.Single().Headers["x-goog-api-key"].Should().Be(FakeGeminiServer.ValidKey);
    }
}
