using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Every bad input is a problem+json answer with its status and type: never a stream, never a 500, nothing started.</summary>
public class BadInputTests
{
    private const string Stream = "/executions/stream";
    private const string Start = "/executions";

    private const string ValidInline = """{"workflow": {"id": "inline", "name": "Inline", "nodes": [{"name": "A", "type": "manualTrigger"}, {"name": "B", "type": "noOp"}], "connections": [{"from": "A", "to": "B"}]}}""";

    [Theory]
    [InlineData(Stream)]
    [InlineData(Start)]
    public async Task Start_MalformedJson_Answers400InvalidRequest(string path)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        using var response = await server.Client.SendAsync(Http.Post(path, """{"flowId": "two", """), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest);
        problem.Detail().Should().Contain("not a valid request");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData(Stream, """{"flowId": 5}""", "flowId")]
    [InlineData(Start, """{"flowId": 5}""", "flowId")]
    [InlineData(Stream, """{"inputData": "x", "flowId": "two"}""", "inputData")]
    [InlineData(Start, """{"inputData": "x", "flowId": "two"}""", "inputData")]
    [InlineData(Stream, """{"inputData": [1], "flowId": "two"}""", "inputData")]
    [InlineData(Stream, """{"workflow": 3}""", "workflow")]
    [InlineData(Start, """{"workflow": 3}""", "workflow")]
    [InlineData(Stream, """{"flowId": "two", "mode": 1}""", "mode")]
    [InlineData(Stream, """[{"flowId": "two"}]""", "$")]
    public async Task Start_WrongTypes_Answers400InvalidRequestNamingTheField(string path, string body, string field)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.AllowInlineWorkflows = true);

        using var response = await server.Client.SendAsync(Http.Post(path, body), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest);
        problem.Detail().Should().Contain(field);
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData(Stream, "")]
    [InlineData(Start, "")]
    [InlineData(Stream, "null")]
    [InlineData(Start, "null")]
    [InlineData(Stream, "   ")]
    public async Task Start_EmptyOrNullBody_Answers400InvalidRequest(string path, string body)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        using var response = await server.Client.SendAsync(Http.Post(path, body), Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest);
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData(Stream, "{}")]
    [InlineData(Start, "{}")]
    [InlineData(Stream, """{"inputData": {"x": 1}}""")]
    [InlineData(Start, """{"flowId": ""}""")]
    [InlineData(Stream, """{"flowId": "   "}""")]
    [InlineData(Start, """{"flowId": null, "workflow": null}""")]
    public async Task Start_NeitherFlowIdNorWorkflow_Answers400InvalidRequest(string path, string body)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        using var response = await server.Client.SendAsync(Http.Post(path, body), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest);
        problem.Detail().Should().Contain("flowId");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData(Stream)]
    [InlineData(Start)]
    public async Task Start_BothFlowIdAndWorkflow_Answers400InvalidRequest(string path)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.AllowInlineWorkflows = true);

        using var response = await server.Client.SendAsync(Http.Post(path, ValidInline.Replace("{\"workflow\"", "{\"flowId\": \"two\", \"workflow\"", StringComparison.Ordinal)), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest);
        problem.Detail().Should().Contain("not both");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData(Stream)]
    [InlineData(Start)]
    public async Task Start_UnknownFlowId_Answers404NotFound(string path)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        using var response = await server.Client.SendAsync(Http.Post(path, """{"flowId": "no-such-flow"}"""), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
        problem.Detail().Should().Contain("no-such-flow");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData(Stream)]
    [InlineData(Start)]
    public async Task Start_InlineWorkflowWhenNotAllowed_Answers403Forbidden(string path)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        using var response = await server.Client.SendAsync(Http.Post(path, ValidInline), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ExecutionStreamProblemTypes.Forbidden);
        problem.Detail().Should().Contain("AllowInlineWorkflows");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Fact]
    public async Task StartAndStream_InlineWorkflowWhenAllowed_StreamsItToSuccess()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.AllowInlineWorkflows = true);

        using var response = await server.Client.SendStreamingAsync(Http.Post(Stream, ValidInline));
        using var sse = await response.OpenSseAsync();
        var messages = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        messages[0].Json.GetProperty("workflowId").GetString().Should().Be("inline");
        messages[^1].Type.Should().Be("executionFinished");
        messages[^1].Json.GetProperty("status").GetString().Should().Be("success");
    }

    [Fact]
    public async Task Start_InlineWorkflowWhenAllowed_Answers202()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.AllowInlineWorkflows = true);

        var id = await server.StartAsync(ValidInline);

        server.Execution(id).Workflow.Id.Should().Be("inline");
        (await server.WaitForCompletionAsync(id)).Should().Be(ExecutionStatus.Success);
    }

    [Theory]
    [InlineData(Stream)]
    [InlineData(Start)]
    public async Task Start_InvalidInlineWorkflow_Answers400ListingEveryProblemCode(string path)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.AllowInlineWorkflows = true);
        const string Body = """
            {"workflow": {"id": "bad", "name": "Bad",
              "nodes": [{"name": "A", "type": "noSuchType"}, {"name": "B", "type": "noOp"}, {"name": "C", "type": "noOp"}, {"name": "C", "type": "noOp"}],
              "connections": [{"from": "B", "to": "C"}, {"from": "C", "to": "B"}, {"from": "A", "to": "Z"}]}}
            """;

        using var response = await server.Client.SendAsync(Http.Post(path, Body), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidWorkflow);
        var errors = problem.GetProperty("errors").EnumerateArray().ToList();
        errors.Select(e => e.GetProperty("code").GetString()).Should().BeEquivalentTo(["unknownNodeType", "duplicateNodeName", "unknownConnectionTarget", "cycle"]);
        errors.Should().OnlyContain(e => !string.IsNullOrWhiteSpace(e.GetProperty("message").GetString()));
        errors.Single(e => e.GetProperty("code").GetString() == "unknownNodeType").GetProperty("nodeName").GetString().Should().Be("A");
        errors.Single(e => e.GetProperty("code").GetString() == "cycle").GetProperty("nodeNames").EnumerateArray().Select(n => n.GetString()).Should().BeEquivalentTo(["B", "C"]);
        var connection = errors.Single(e => e.GetProperty("code").GetString() == "unknownConnectionTarget").GetProperty("connection");
        (connection.GetProperty("from").GetString(), connection.GetProperty("to").GetString()).Should().Be(("A", "Z"));
        problem.Detail().Should().Contain("4 problem");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData(Stream, false)]
    [InlineData(Start, false)]
    [InlineData(Stream, true)]
    [InlineData(Start, true)]
    public async Task Start_BodyOverDefaultLimit_Answers413RequestTooLarge(string path, bool chunked)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var body = PaddedBody((1024 * 1024) + 1);
        using var request = chunked ? PostChunked(path, body) : Http.Post(path, body);

        using var response = await server.Client.SendAsync(request, Ct).WithTimeout("the server's response");

        (request.Content!.Headers.ContentLength is null).Should().Be(chunked, "the chunked case must not send a Content-Length");
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, ExecutionStreamProblemTypes.RequestTooLarge);
        problem.Detail().Should().Contain("1048576").And.Contain("MaxRequestBodySize");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData(Stream, false)]
    [InlineData(Start, false)]
    [InlineData(Stream, true)]
    [InlineData(Start, true)]
    public async Task Start_BodyOverConfiguredLimit_Answers413RequestTooLarge(string path, bool chunked)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.MaxRequestBodySize = 100);
        using var request = chunked ? PostChunked(path, PaddedBody(101)) : Http.Post(path, PaddedBody(101));

        using var response = await server.Client.SendAsync(request, Ct).WithTimeout("the server's response");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, ExecutionStreamProblemTypes.RequestTooLarge);
        problem.Detail().Should().Contain("100 bytes");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_BodyExactlyAtConfiguredLimit_IsAccepted(bool chunked)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.MaxRequestBodySize = 100);
        using var request = chunked ? PostChunked(Start, PaddedBody(100)) : Http.Post(Start, PaddedBody(100));

        using var response = await server.Client.SendAsync(request, Ct).WithTimeout("the server's response");

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync(Ct));
        server.Engine.ListExecutions().Should().ContainSingle();
    }

    [Theory]
    [InlineData(Stream, "text/plain", """{"flowId": "two"}""")]
    [InlineData(Start, "text/plain", """{"flowId": "two"}""")]
    [InlineData(Stream, "application/x-www-form-urlencoded", "flowId=two")]
    [InlineData(Start, "application/x-www-form-urlencoded", "flowId=two")]
    [InlineData(Stream, "multipart/form-data; boundary=x", "--x--")]
    [InlineData(Stream, null, """{"flowId": "two"}""")]
    [InlineData(Start, null, """{"flowId": "two"}""")]
    public async Task Start_ContentTypeNotJson_Answers415UnsupportedMediaType(string path, string? contentType, string body)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        using var response = await server.Client.SendAsync(PostRaw(path, body, contentType), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, ExecutionStreamProblemTypes.UnsupportedMediaType);
        problem.Detail().Should().Contain("application/json").And.Contain(contentType is null ? "(none)" : contentType.Split(';')[0]);
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData("abc", null)]
    [InlineData("-1", null)]
    [InlineData("1.5", null)]
    [InlineData("1e3", null)]
    [InlineData("99999999999999999999", null)]
    [InlineData(null, "x")]
    [InlineData(null, "-3")]
    [InlineData("abc", "2")]
    public async Task Attach_LastEventIdNotANonNegativeInteger_Answers400InvalidLastEventId(string? header, string? query)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var id = await server.StartAsync("""{"flowId": "two"}""");
        await server.WaitForCompletionAsync(id);
        var path = $"/executions/{Format(id)}/stream" + (query is null ? "" : $"?lastEventId={query}");

        using var response = await server.Client.SendAsync(Http.Get(path, lastEventId: header), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidLastEventId);
        problem.Detail().Should().Contain("non-negative integer").And.Contain(header ?? query!);
    }

    [Theory]
    [InlineData("7", null)]
    [InlineData(null, "100")]
    [InlineData("50", "1")]
    public async Task Attach_LastEventIdBeyondTheLastEvent_Answers400InvalidLastEventId(string? header, string? query)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var id = await server.StartAsync("""{"flowId": "two"}""");
        await server.WaitForCompletionAsync(id);
        var path = $"/executions/{Format(id)}/stream" + (query is null ? "" : $"?lastEventId={query}");

        using var response = await server.Client.SendAsync(Http.Get(path, lastEventId: header), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidLastEventId);
        problem.Detail().Should().Contain("beyond the last event (6)");
    }

    [Theory]
    [InlineData("987654321")]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999999")]
    public async Task Endpoints_UnknownOrNonNumericExecutionId_Answer404NotFound(string id)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var known = await server.StartAsync("""{"flowId": "two"}""");
        await server.WaitForCompletionAsync(known);
        id.Should().NotBe(Format(known));

        foreach (var request in new[]
        {
            Http.Get($"/executions/{id}"),
            Http.Get($"/executions/{id}/stream"),
            Http.Get($"/executions/{id}/stream", lastEventId: "abc"),
            Control($"/executions/{id}/cancel"),
            Control($"/executions/{id}/pause"),
            Control($"/executions/{id}/resume"),
        })
        {
            using (request)
            {
                using var response = await server.Client.SendAsync(request, Ct);
                var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
                problem.Detail().Should().Contain(id, "{0} {1}", request.Method, request.RequestUri);
            }
        }

        server.Engine.ListExecutions().Should().ContainSingle();
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("pause")]
    [InlineData("resume")]
    public async Task Control_FinishedExecution_Answers409ExecutionFinished(string verb)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var id = await server.StartAsync("""{"flowId": "two"}""");
        await server.WaitForCompletionAsync(id);

        using var response = await server.Client.SendAsync(Control($"/executions/{Format(id)}/{verb}"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict, ExecutionStreamProblemTypes.ExecutionFinished);
        problem.Detail().Should().Contain("already finished (success)");
        server.Execution(id).Status.Should().Be(ExecutionStatus.Success);
    }
}
