using System.Net;

namespace FlowStream.Sample.Tests;

/// <summary>Issue 11: the sample answers only the loopback names it is reached by, so DNS rebinding cannot reach it.</summary>
public sealed class SampleHostSecurityTests
{
    [Theory]
    [InlineData("evil.example", HttpStatusCode.BadRequest)]
    [InlineData("rebind.attacker.test:5080", HttpStatusCode.BadRequest)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("[::1]", HttpStatusCode.OK)]
    public async Task Request_ForAHostName_IsServedOnlyForLoopbackNames(string host, HttpStatusCode expected)
    {
        await using var server = await SampleServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/flows");
        request.Headers.Host = host;

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(expected);
    }
}
