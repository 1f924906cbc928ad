using System.Net;
using System.Text.Json;
using FlowStream.Client.Tests.Infrastructure;

namespace FlowStream.Client.Tests;

/// <summary>Start without streaming, status, cancel, pause, resume: the requests, the summaries, the problem answers.</summary>
public sealed class ExecutionStreamClientControlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartAsync_Accepted_PostsTheRequestAndReturnsTheSummary()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("POST /executions", Respond.Json(HttpStatusCode.Accepted, Wire.Summary(31, "running"), location: "/executions/31"));
        var client = new ExecutionStreamClient(server.CreateHttpClient());
        var request = new StartExecutionRequest { FlowId = "hello", InputData = JsonDocument.Parse("""{"n":1}""").RootElement, Mode = "manual" };

        var summary = await client.StartAsync(request, Ct);

        summary.ExecutionId.Should().Be(31);
        summary.Status.Should().Be("running");
        var sent = server.Requests.Should().ContainSingle().Subject;
        sent.Route.Should().Be("POST /executions");
        sent.Body.Should().Be("""{"flowId":"hello","inputData":{"n":1},"mode":"manual"}""");
        sent.ContentType.Should().Be("application/json; charset=utf-8");
        sent.Accept.Should().Contain("application/json");
    }

    [Fact]
    public async Task GetStatusAsync_FullSummary_ParsesEveryFieldAndIgnoresUnknownOnes()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("GET /executions/123", Respond.Json(HttpStatusCode.OK, Wire.Summary(123)));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var summary = await client.GetStatusAsync(123, Ct);

        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        summary.Should().BeEquivalentTo(
            new
            {
                ExecutionId = 123L,
                WorkflowId = "w1",
                WorkflowName = "Workflow",
                Mode = "manual",
                Status = "error",
                StartedAt = start,
                FinishedAt = start.AddMilliseconds(2500),
                LastEventId = 7L,
                Error = new { Message = "boom", NodeName = "B" },
            },
            o => o.ExcludingMissingMembers());
        summary.Nodes.Select(n => (n.Name, n.Type, n.Status, n.Attempts)).Should().Equal(
            ("A", "noOp", "success", 1), ("B", "stopAndError", "error", 2), ("C", "noOp", "pending", 0));
        summary.Nodes[0].Output!.Value.GetProperty("a").GetInt32().Should().Be(1);
        summary.Nodes[0].StartedAt.Should().Be(start);
        summary.Nodes[0].FinishedAt.Should().Be(start.AddSeconds(1));
        summary.Nodes[0].Error.Should().BeNull();
        summary.Nodes[1].Error!.Message.Should().Be("boom");
        summary.Nodes[1].Output.Should().BeNull();
        summary.Nodes[2].StartedAt.Should().BeNull();
        summary.Nodes[2].FinishedAt.Should().BeNull();
    }

    [Fact]
    public async Task GetStatusAsync_RunningExecution_LeavesFinishedAtAndErrorNull()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("GET /executions/5", Respond.Json(HttpStatusCode.OK, """{"executionId":5,"workflowId":"w","workflowName":"W","mode":"manual","status":"running","startedAt":"2026-01-01T00:00:00.000Z","lastEventId":2}"""));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var summary = await client.GetStatusAsync(5, Ct);

        summary.Status.Should().Be("running");
        summary.FinishedAt.Should().BeNull();
        summary.Error.Should().BeNull();
        summary.Nodes.Should().BeEmpty();
        summary.LastEventId.Should().Be(2);
    }

    [Theory]
    [InlineData("cancel", "canceled")]
    [InlineData("pause", "paused")]
    [InlineData("resume", "running")]
    public async Task ControlMethods_Accepted_PostToTheActionAndReturnTheSummary(string action, string status)
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On($"POST /executions/77/{action}", Respond.Json(HttpStatusCode.Accepted, Wire.Summary(77, status)));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var summary = action switch
        {
            "cancel" => await client.CancelAsync(77, Ct),
            "pause" => await client.PauseAsync(77, Ct),
            _ => await client.ResumeAsync(77, Ct),
        };

        summary.ExecutionId.Should().Be(77);
        summary.Status.Should().Be(status);
        var sent = server.Requests.Should().ContainSingle().Subject;
        sent.Route.Should().Be($"POST /executions/77/{action}");
        sent.Body.Should().Be("{}", "the server takes control requests only as JSON (cross-site request protection)");
        sent.ContentType.Should().Be("application/json; charset=utf-8");
    }

    [Theory]
    [InlineData("start", HttpStatusCode.BadRequest, "Bad Request", "urn:flowstream:invalid-request", "Invalid request", "The body is not valid JSON.")]
    [InlineData("start", HttpStatusCode.NotFound, "Not Found", "urn:flowstream:flow-not-found", "Flow not found", "Flow 'nope' was not found.")]
    [InlineData("start", HttpStatusCode.RequestEntityTooLarge, "Payload Too Large", "urn:flowstream:body-too-large", "Request body too large", "The body exceeds 1048576 bytes.")]
    [InlineData("start", HttpStatusCode.UnsupportedMediaType, "Unsupported Media Type", "urn:flowstream:unsupported-media-type", "Unsupported media type", "The body must be application/json.")]
    [InlineData("status", HttpStatusCode.NotFound, "Not Found", "urn:flowstream:execution-not-found", "Execution not found", "Execution 5 was not found")]
    [InlineData("cancel", HttpStatusCode.Conflict, "Conflict", "urn:flowstream:execution-finished", "Execution finished", "Execution 5 has already finished.")]
    [InlineData("pause", HttpStatusCode.Conflict, "Conflict", "urn:flowstream:execution-finished", "Execution finished", "Execution 5 has already finished.")]
    [InlineData("resume", HttpStatusCode.NotFound, "Not Found", "urn:flowstream:execution-not-found", "Execution not found", "Execution 5 was not found")]
    public async Task Methods_ProblemAnswer_ThrowExecutionStreamExceptionWithTheProblem(string call, HttpStatusCode status, string reason, string type, string title, string detail)
    {
        await using var server = await FakeExecutionServer.StartAsync();
        var route = call switch
        {
            "start" => "POST /executions",
            "status" => "GET /executions/5",
            _ => $"POST /executions/5/{call}",
        };
        server.On(route, Respond.Problem(status, type, title, detail));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        Func<Task> act = call switch
        {
            "start" => () => client.StartAsync(new StartExecutionRequest { FlowId = "nope" }, Ct),
            "status" => () => client.GetStatusAsync(5, Ct),
            "cancel" => () => client.CancelAsync(5, Ct),
            "pause" => () => client.PauseAsync(5, Ct),
            _ => () => client.ResumeAsync(5, Ct),
        };

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.StatusCode.Should().Be(status);
        error.ProblemType.Should().Be(type);
        error.Title.Should().Be(title);
        error.Detail.Should().Be(detail);
        error.Problem!.Value.GetProperty("status").GetInt32().Should().Be((int)status);
        error.Message.Should().Be($"{(int)status} {reason}: {detail}");
        error.ExecutionId.Should().Be(call == "start" ? null : 5);
        server.Requests.Should().ContainSingle().Which.Route.Should().Be(route);
    }

    [Fact]
    public async Task GetStatusAsync_ErrorWithoutProblemBody_ThrowsWithStatusOnly()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("GET /executions/5", Respond.Text(HttpStatusCode.BadGateway, "<html>bad gateway</html>", "text/html"));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var act = () => client.GetStatusAsync(5, Ct);

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        error.Message.Should().Be("502 Bad Gateway");
        error.Problem.Should().BeNull();
        error.ProblemType.Should().BeNull();
    }

    [Fact]
    public async Task GetStatusAsync_ProblemWithTitleOnly_UsesTheTitleInTheMessage()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("GET /executions/5", Respond.Problem(HttpStatusCode.Forbidden, "about:blank", "Forbidden"));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var act = () => client.GetStatusAsync(5, Ct);

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.Message.Should().Be("403 Forbidden: Forbidden");
        error.Detail.Should().BeNull();
    }

    [Fact]
    public async Task GetStatusAsync_SuccessWithBodyThatIsNotASummary_ThrowsExecutionStreamException()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("GET /executions/5", Respond.Json(HttpStatusCode.OK, "{\"executionId\":\"#5\""));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var act = () => client.GetStatusAsync(5, Ct);

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.Message.Should().Contain("not an execution summary");
        error.InnerException.Should().BeAssignableTo<JsonException>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public async Task ControlMethods_IdNotPositive_ThrowArgumentOutOfRangeException(long executionId)
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1/") };
        var client = new ExecutionStreamClient(http);

        await FluentActions.Awaiting(() => client.GetStatusAsync(executionId, Ct)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => client.CancelAsync(executionId, Ct)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => client.PauseAsync(executionId, Ct)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await FluentActions.Awaiting(() => client.ResumeAsync(executionId, Ct)).Should().ThrowAsync<ArgumentOutOfRangeException>();
    }
}
