using FlowStream.Nodes.Gemini.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlowStream.Nodes.Gemini.Tests.DependencyInjection;

public class AddGeminiTests
{
    [Fact]
    public void Defaults_AreDocumented()
    {
        var options = new GeminiOptions();

        options.ApiKey.Should().BeNull();
        options.BaseUrl.Should().Be(new Uri("https://generativelanguage.googleapis.com"));
        options.DefaultModel.Should().Be("gemini-2.5-flash");
        options.Timeout.Should().Be(TimeSpan.FromSeconds(100));
        options.MaxAttempts.Should().Be(5);
        options.BaseDelay.Should().Be(TimeSpan.FromSeconds(1));
        options.MaxDelay.Should().Be(TimeSpan.FromSeconds(60));
        options.MaxTotalWait.Should().Be(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void ToString_NeverShowsTheKey()
    {
        var options = new GeminiOptions { ApiKey = "AIzaSyTO-STRING-secret-123" };

        options.ToString().Should().NotContain("AIzaSyTO-STRING-secret-123").And.Contain("ApiKey = (set)").And.Contain("DefaultModel = gemini-2.5-flash");
        new GeminiOptions().ToString().Should().Contain("ApiKey = (not set)");
    }

    [Fact]
    public void Options_AreBoundFromTheFlowStreamGeminiSection_ThenTheDelegateRuns()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlowStream:Gemini:ApiKey"] = "AIzaSyFROM-configuration",
            ["FlowStream:Gemini:BaseUrl"] = "http://127.0.0.1:9/",
            ["FlowStream:Gemini:DefaultModel"] = "gemini-2.5-pro",
            ["FlowStream:Gemini:Timeout"] = "00:00:30",
            ["FlowStream:Gemini:MaxAttempts"] = "3",
            ["FlowStream:Gemini:BaseDelay"] = "00:00:00.500",
            ["FlowStream:Gemini:MaxDelay"] = "00:00:10",
            ["FlowStream:Gemini:MaxTotalWait"] = "00:01:00",
        }).Build());
        services.AddFlowStream().AddGemini(options => options.MaxAttempts = 2);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<GeminiOptions>>().Value;

        options.ApiKey.Should().Be("AIzaSyFROM-configuration");
        options.BaseUrl.Should().Be(new Uri("http://127.0.0.1:9/"));
        options.DefaultModel.Should().Be("gemini-2.5-pro");
        options.Timeout.Should().Be(TimeSpan.FromSeconds(30));
        options.MaxAttempts.Should().Be(2, "the delegate runs after the configuration is bound");
        options.BaseDelay.Should().Be(TimeSpan.FromMilliseconds(500));
        options.MaxDelay.Should().Be(TimeSpan.FromSeconds(10));
        options.MaxTotalWait.Should().Be(TimeSpan.FromMinutes(1));
    }

    [Fact]
    public void WithoutAnIConfiguration_TheOptionsStillResolve()
    {
        var services = new ServiceCollection();
        services.AddFlowStream().AddGemini();
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IOptionsMonitor<GeminiOptions>>().CurrentValue.DefaultModel.Should().Be("gemini-2.5-flash");
        provider.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey).Should().BeOfType<GeminiChatClient>();
    }

    [Fact]
    public void InvalidOptions_NameEveryBadValue_WithoutEchoingTheKey()
    {
        var services = new ServiceCollection();
        services.AddFlowStream().AddGemini(options =>
        {
            options.ApiKey = "AIzaSyBAD\nKEY-with-newline";
            options.BaseUrl = new Uri("ftp://example.com/");
            options.DefaultModel = "gemini/../x";
            options.Timeout = TimeSpan.Zero;
            options.MaxAttempts = 0;
            options.BaseDelay = TimeSpan.FromSeconds(5);
            options.MaxDelay = TimeSpan.FromSeconds(1);
            options.MaxTotalWait = TimeSpan.FromSeconds(-1);
        });
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<GeminiOptions>>().Value);

        exception.Failures.Should().BeEquivalentTo(
            "FlowStream:Gemini: BaseUrl must be an absolute http or https URL without user info, query or fragment, such as https://generativelanguage.googleapis.com/.",
            "FlowStream:Gemini: DefaultModel must be a model name of letters, digits, '.', '-' and '_', such as gemini-2.5-flash (was 'gemini/../x').",
            "FlowStream:Gemini: Timeout must be more than zero, or infinite (was 00:00:00).",
            "FlowStream:Gemini: MaxAttempts must be from 1 to 20 (was 0).",
            "FlowStream:Gemini: MaxDelay must be at least BaseDelay (was 00:00:01, BaseDelay 00:00:05).",
            "FlowStream:Gemini: MaxTotalWait must be at least zero (was -00:00:01).",
            "FlowStream:Gemini: ApiKey contains characters that cannot be sent in an HTTP header (line breaks, control or non-ASCII characters).");
        exception.ToString().Should().NotContain("AIzaSyBAD");
    }

    [Fact]
    public async Task InvalidOptions_FailTheHostAtStartUp()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddFlowStream().AddGemini(options => options.MaxAttempts = 0);
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        exception.Message.Should().Contain("MaxAttempts must be from 1 to 20 (was 0).");
    }

    [Fact]
    public void CallingItTwice_IsHarmless_AndAddsTheNewConfiguration()
    {
        var services = new ServiceCollection();
        var builder = services.AddFlowStream();
        builder.AddGemini(options => options.DefaultModel = "gemini-2.5-pro");
        builder.AddGemini(options => options.MaxAttempts = 3);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<GeminiOptions>>().Value;
        options.DefaultModel.Should().Be("gemini-2.5-pro");
        options.MaxAttempts.Should().Be(3);
        services.Count(d => d.ServiceType == typeof(IChatClient) && Equals(d.ServiceKey, GeminiNode.ChatClientKey)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<GeminiOptions>)).Should().Be(1);
    }

    [Fact]
    public void TheKeyedChatClient_IsOneSingletonOverTheNamedHttpClient()
    {
        var services = new ServiceCollection();
        services.AddFlowStream().AddGemini();
        using var provider = services.BuildServiceProvider();

        var first = provider.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);
        provider.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey).Should().BeSameAs(first);
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(GeminiChatClient.HttpClientName);
        http.Timeout.Should().Be(Timeout.InfiniteTimeSpan, "the client enforces GeminiOptions.Timeout itself, on the injected TimeProvider");
    }

    [Fact]
    public async Task KeyChangedInConfiguration_IsUsedByTheNextRequest()
    {
        await using var server = await FakeGeminiServer.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FlowStream:Gemini:ApiKey"] = "AIzaSyOLD-key-rejected",
            ["FlowStream:Gemini:BaseUrl"] = server.BaseAddress.ToString(),
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddFlowStream().AddGemini();
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredKeyedService<IChatClient>(GeminiNode.ChatClientKey);

        await Assert.ThrowsAsync<GeminiException>(() => client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken));
        configuration["FlowStream:Gemini:ApiKey"] = FakeGeminiServer.ValidKey;
        configuration.Reload();
        var response = await client.GetResponseAsync("Hi", cancellationToken: TestContext.Current.CancellationToken);

        response.Text.Should().Be("The capital of France is **Paris**.");
        server.Requests.Select(r => r.Headers["x-goog-api-key"]).Should().Equal("AIzaSyOLD-key-rejected", FakeGeminiServer.ValidKey);
    }
}
