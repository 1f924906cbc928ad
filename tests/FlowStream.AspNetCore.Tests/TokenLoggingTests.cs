using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Issue 11: tokens are never logged (at any level, by any category) nor put in an event.</summary>
public class TokenLoggingTests
{
    [Fact]
    public async Task Tokens_InHeaders_AppearInNoLogLineAndNoEvent()
    {
        var logs = new CapturingLoggerProvider();
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b =>
        {
            Flows.Register(b, gates);
            b.Services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        });
        using var client = server.CreateClient();

        using var started = await client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "gated"}"""));
        var token = started.Headers.GetValues("FlowStream-Token").Single();
        var id = long.Parse(started.Headers.GetValues("X-Execution-Id").Single(), System.Globalization.CultureInfo.InvariantCulture);
        await server.WaitForNodeStartAsync(id, "Gate");
        var share = (await AccessTests.MintAsync(server, id, token, null)).GetProperty("token").GetString()!;
        foreach (var (method, path, withToken) in new[] { ("GET", "", share), ("GET", "/nodes/Start/output", share), ("POST", "/pause", token), ("POST", "/resume", token), ("POST", "/cancel", share) })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), $"/executions/{Format(id)}{path}");
            request.Headers.Add("FlowStream-Token", withToken);
            using var response = await client.SendAsync(request, Ct);
            response.StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Accepted, HttpStatusCode.Forbidden);
        }

        gates.Release("Gate");
        using var sse = await started.OpenSseAsync();
        await sse.ReadAllAsync(Ct).WithTimeout("the stream or execution to end");

        logs.Lines.Should().NotBeEmpty("the test captures at Trace level");
        logs.Lines.Should().NotContain(line => line.Contains(token, StringComparison.Ordinal) || line.Contains(share, StringComparison.Ordinal));
        sse.Raw.Should().NotContain(token).And.NotContain(share);
    }
}
