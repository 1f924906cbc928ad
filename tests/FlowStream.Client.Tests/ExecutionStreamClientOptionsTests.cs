using System.Net;
using FlowStream.Client.Tests.Infrastructure;

namespace FlowStream.Client.Tests;

public sealed class ExecutionStreamClientOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        var options = new ExecutionStreamClientOptions();

        options.BasePath.Should().Be("/executions");
        options.MaxReconnectAttempts.Should().Be(5);
        options.InitialReconnectDelay.Should().Be(TimeSpan.FromMilliseconds(250));
        options.MaxReconnectDelay.Should().Be(TimeSpan.FromSeconds(5));
        options.TimeProvider.Should().BeSameAs(TimeProvider.System);
    }

    public static TheoryData<string, Action<ExecutionStreamClientOptions>> InvalidOptions => new()
    {
        { "BasePath", o => o.BasePath = "" },
        { "BasePath", o => o.BasePath = "/" },
        { "MaxReconnectAttempts", o => o.MaxReconnectAttempts = -1 },
        { "InitialReconnectDelay", o => o.InitialReconnectDelay = TimeSpan.FromMilliseconds(-1) },
        { "MaxReconnectDelay", o => o.MaxReconnectDelay = TimeSpan.FromMilliseconds(100) },
        { "TimeProvider", o => o.TimeProvider = null! },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void ClientConstructor_OptionOutOfRange_ThrowsArgumentExceptionNamingIt(string option, Action<ExecutionStreamClientOptions> configure)
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1/") };
        var options = new ExecutionStreamClientOptions();
        configure(options);

        var act = () => new ExecutionStreamClient(http, options);

        act.Should().Throw<ArgumentException>().WithParameterName("options").And.Message.Should().Contain(option);
    }

    [Fact]
    public void ClientConstructor_HttpClientWithoutBaseAddress_ThrowsArgumentException()
    {
        using var http = new HttpClient();

        var act = () => new ExecutionStreamClient(http);

        act.Should().Throw<ArgumentException>().WithParameterName("httpClient").WithMessage("*BaseAddress*");
    }

    [Fact]
    public async Task ClientConstructor_OptionsChangedAfterwards_KeepsTheValuesItWasCreatedWith()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("GET /runs/3", Respond.Json(HttpStatusCode.OK, Wire.Summary(3)));
        var options = new ExecutionStreamClientOptions { BasePath = "/runs" };
        var client = new ExecutionStreamClient(server.CreateHttpClient(), options);
        options.BasePath = "/elsewhere";

        var summary = await client.GetStatusAsync(3, TestContext.Current.CancellationToken);

        summary.ExecutionId.Should().Be(3);
        server.Requests.Should().ContainSingle().Which.Route.Should().Be("GET /runs/3");
    }
}
