using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>
/// Bad requests, one host: each is answered with its problem, and the host logs no error while answering — a handler that went
/// on after it had answered (a missing <c>return</c>) would throw into the server's log, which the client never sees.
/// </summary>
public class NoServerErrorTests
{
    [Fact]
    public async Task BadRequests_AreAnsweredWithTheirProblem_AndTheHostLogsNoError()
    {
        var logs = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(
            b =>
            {
                Flows.Register(b);
                b.Services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
            },
            o =>
            {
                o.AllowInlineWorkflows = true;
                o.MaxRequestBodySize = 4_096;
            });
        var (id, token) = await StartWithTokenAsync(server);
        await server.WaitForCompletionAsync(id);
        var cases = new (Func<HttpRequestMessage> Request, HttpStatusCode Status, string Type)[]
        {
            (() => Http.Post("/executions/stream", """{"flowId": "two", """), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest),
            (() => Http.Post("/executions", """{"flowId": 5}"""), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest),
            (() => Http.Post("/executions", "null"), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest),
            (() => Http.Post("/executions", """{"flowId": "two", "inputData": 1}"""), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest),
            (() => Http.Post("/executions", """{"flowId": "two", "mode": "1 bad"}"""), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest),
            (() => Http.Post("/executions", """{"flowId": "two", "workflow": {}}"""), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest),
            (() => Http.Post("/executions", "{}"), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest),
            (() => Http.Post("/executions/stream", """{"workflow": {"id": "w", "nodes": [{"name": "A", "type": "nope"}]}}"""), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidWorkflow),
            (() => Http.Post("/executions/stream", """{"workflow": "x"}"""), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest),
            (() => Http.Post("/executions", """{"flowId": "missing"}"""), HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound),
            (() => PostRaw("/executions", """{"flowId": "two"}""", "text/plain"), HttpStatusCode.UnsupportedMediaType, ExecutionStreamProblemTypes.UnsupportedMediaType),
            (() => Http.Post("/executions", PaddedBody(8_192)), HttpStatusCode.RequestEntityTooLarge, ExecutionStreamProblemTypes.RequestTooLarge),
            (() => PostChunked("/executions", PaddedBody(8_192)), HttpStatusCode.RequestEntityTooLarge, ExecutionStreamProblemTypes.RequestTooLarge),
            (() => Http.Get("/executions/abc"), HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound),
            (() => WithToken(Http.Get($"/executions/{Format(id)}/stream", lastEventId: "x"), token), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidLastEventId),
            (() => WithToken(Http.Get($"/executions/{Format(id)}/stream", lastEventId: "-1"), token), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidLastEventId),
            (() => WithToken(Http.Get($"/executions/{Format(id)}/nodes/Nope/output"), token), HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound),
            (() => WithToken(Control($"/executions/{Format(id)}/cancel"), token), HttpStatusCode.Conflict, ExecutionStreamProblemTypes.ExecutionFinished),
            (() => WithToken(Http.Post($"/executions/{Format(id)}/tokens", """{"expiresInSeconds": -1}"""), token), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest),
            (() => WithToken(Http.Post($"/executions/{Format(id)}/tokens", """{"expiresInSeconds": "x"}"""), token), HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest),
        };

        foreach (var (request, status, type) in cases)
        {
            using var message = request();
            var what = $"{message.Method} {message.RequestUri}";
            using var response = await server.Client.SendAsync(message, Ct).WithTimeout(what);
            await response.ShouldBeProblemAsync(status, type);
        }

        // The host is still healthy, and nothing it did on the way was an error.
        (await server.StartAsync("""{"flowId": "two"}""")).Should().BeGreaterThan(0);
        logs.Errors.Should().BeEmpty();
        logs.Entries.Should().NotBeEmpty("the test captures the host's logs");
    }

    private static async Task<(long Id, string Token)> StartWithTokenAsync(TestServer server)
    {
        using var response = await server.Client.SendAsync(Http.Post("/executions", """{"flowId": "two"}"""), Ct).WithTimeout("a start");
        var id = long.Parse(response.Headers.GetValues("X-Execution-Id").Single(), System.Globalization.CultureInfo.InvariantCulture);
        return (id, response.Headers.GetValues("FlowStream-Token").Single());
    }

    private static HttpRequestMessage WithToken(HttpRequestMessage request, string token)
    {
        request.Headers.Add("FlowStream-Token", token);
        return request;
    }
}
