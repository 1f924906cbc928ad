using System.Net;
using System.Text.Json;
using FlowStream.Client.Tests.Infrastructure;

namespace FlowStream.Client.Tests;

/// <summary>Reading streams: the requests the client sends, and how it parses what comes back.</summary>
public sealed class ExecutionStreamClientStreamTests
{
    private const string StartStream = "POST /executions/stream";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] s_fullStream =
    [
        """{"type":"executionStarted","data":{"executionId":7,"mode":"manual","workflowId":"flow-1","workflowName":"Flow One","startedAt":"2026-01-01T00:00:00.000Z","totalNodes":2}}""",
        """{"type":"nodeExecutionBefore","data":{"executionId":7,"nodeName":"Ask","nodeType":"gemini","startedAt":"2026-01-01T00:00:00.010Z","attempt":1}}""",
        """{"type":"nodeExecutionRetry","data":{"executionId":7,"nodeName":"Ask","attempt":1,"error":{"message":"429 Too Many Requests"},"waitMs":200}}""",
        """{"type":"nodeExecutionProgress","data":{"executionId":7,"nodeName":"Ask","data":{"delta":"Hel"}}}""",
        """{"type":"executionPaused","data":{"executionId":7}}""",
        """{"type":"executionResumed","data":{"executionId":7}}""",
        """{"type":"nodeExecutionAfter","data":{"executionId":7,"nodeName":"Ask","nodeType":"gemini","status":"success","data":{"response":"Hello"},"attempt":2,"finishedAt":"2026-01-01T00:00:00.500Z","executionTimeMs":490,"progress":{"completed":1,"total":2,"percent":50},"estimatedRemainingMs":490}}""",
        """{"type":"nodeExecutionBefore","data":{"executionId":7,"nodeName":"Fail","nodeType":"stopAndError","startedAt":"2026-01-01T00:00:00.510Z","attempt":1}}""",
        """{"type":"nodeExecutionAfter","data":{"executionId":7,"nodeName":"Fail","nodeType":"stopAndError","status":"error","error":{"message":"boom"},"continuedOnFail":true,"attempt":1,"finishedAt":"2026-01-01T00:00:00.520Z","executionTimeMs":10,"progress":{"completed":2,"total":2,"percent":100}}}""",
        """{"type":"executionFinished","data":{"executionId":7,"status":"error","finishedAt":"2026-01-01T00:00:00.600Z","executionTimeMs":600,"error":{"message":"boom","nodeName":"Fail"}}}""",
    ];

    [Fact]
    public async Task StartAndStreamAsync_FlowIdAndInput_PostsJsonBodyAskingForAnEventStream()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(Wire.Execution(1, 1)));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        await client.StartAndStreamAsync("hello", Json("""{"name":"Ada"}"""), Ct).CollectAsync(server);

        var request = server.Requests.Should().ContainSingle().Subject;
        request.Route.Should().Be(StartStream);
        request.Body.Should().Be("""{"flowId":"hello","inputData":{"name":"Ada"}}""");
        request.ContentType.Should().Be("application/json; charset=utf-8");
        request.Accept.Should().Be("text/event-stream");
        request.LastEventId.Should().BeNull();
    }

    [Fact]
    public async Task StartAndStreamAsync_InlineWorkflowWithMode_PostsWorkflowInputAndModeWithoutFlowId()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(Wire.Execution(1, 1)));
        var client = new ExecutionStreamClient(server.CreateHttpClient());
        var request = new StartExecutionRequest
        {
            Workflow = Json("""{"id":"w","name":"W","nodes":[{"name":"A","type":"noOp"}],"connections":[]}"""),
            InputData = Json("[1,2]"),
            Mode = "test",
        };

        await client.StartAndStreamAsync(request, Ct).CollectAsync(server);

        server.Requests.Should().ContainSingle().Which.Body.Should().Be(
            """{"workflow":{"id":"w","name":"W","nodes":[{"name":"A","type":"noOp"}],"connections":[]},"inputData":[1,2],"mode":"test"}""");
    }

    [Fact]
    public async Task StartAndStreamAsync_NotEnumerated_SendsNothing()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("GET /executions/1", Respond.Json(HttpStatusCode.OK, Wire.Summary(1)));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var events = client.StartAndStreamAsync("hello", cancellationToken: Ct);
        await client.GetStatusAsync(1, TestContext.Current.CancellationToken);

        events.Should().NotBeNull();
        server.Requests.Should().ContainSingle().Which.Route.Should().Be("GET /executions/1", "only the status call went out");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void StartAndStreamAsync_NeitherOrBothOfFlowIdAndWorkflow_ThrowsArgumentException(bool flowId, bool workflow)
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1/") };
        var client = new ExecutionStreamClient(http);
        var request = new StartExecutionRequest { FlowId = flowId ? "f" : null, Workflow = workflow ? Json("{}") : null };

        var act = () => client.StartAndStreamAsync(request);

        act.Should().Throw<ArgumentException>().WithParameterName("request");
    }

    [Fact]
    public async Task StartAndStreamAsync_EveryEventType_ParsesEachIntoItsTypedPayload()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(s_fullStream, new StreamScript { ExecutionIdHeader = 7 }));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var events = await client.StartAndStreamAsync("flow-1", cancellationToken: Ct).CollectAsync(server);

        events.Select(e => e.Id).Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i));
        events.Select(e => e.Type).Should().Equal(
            ExecutionEventTypes.ExecutionStarted, ExecutionEventTypes.NodeExecutionBefore, ExecutionEventTypes.NodeExecutionRetry,
            ExecutionEventTypes.NodeExecutionProgress, ExecutionEventTypes.ExecutionPaused, ExecutionEventTypes.ExecutionResumed,
            ExecutionEventTypes.NodeExecutionAfter, ExecutionEventTypes.NodeExecutionBefore, ExecutionEventTypes.NodeExecutionAfter,
            ExecutionEventTypes.ExecutionFinished);
        events.Should().OnlyContain(e => e.ExecutionId == 7);
        events.Select(e => e.NodeName).Should().Equal(null, "Ask", "Ask", "Ask", null, null, "Ask", "Fail", "Fail", null);
        events.Select(e => e.IsTerminal).Should().Equal(false, false, false, false, false, false, false, false, false, true);

        events[0].TryGetExecutionStarted(out var started).Should().BeTrue();
        started.Should().BeEquivalentTo(new ExecutionStartedData
        {
            ExecutionId = 7, Mode = "manual", WorkflowId = "flow-1", WorkflowName = "Flow One",
            StartedAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), TotalNodes = 2,
        });

        events[1].TryGetNodeExecutionBefore(out var before).Should().BeTrue();
        before.Should().BeEquivalentTo(new NodeExecutionBeforeData
        {
            ExecutionId = 7, NodeName = "Ask", NodeType = "gemini", StartedAt = At(10), Attempt = 1,
        });

        events[2].TryGetNodeExecutionRetry(out var retry).Should().BeTrue();
        retry!.Attempt.Should().Be(1);
        retry.Error!.Message.Should().Be("429 Too Many Requests");
        retry.WaitMs.Should().Be(200);
        retry.NodeName.Should().Be("Ask");

        events[3].TryGetNodeExecutionProgress(out var progress).Should().BeTrue();
        progress!.Data.GetProperty("delta").GetString().Should().Be("Hel");

        events[4].TryGetExecutionPaused(out var paused).Should().BeTrue();
        paused!.ExecutionId.Should().Be(7);
        events[5].TryGetExecutionResumed(out var resumed).Should().BeTrue();
        resumed!.ExecutionId.Should().Be(7);

        events[6].TryGetNodeExecutionAfter(out var success).Should().BeTrue();
        success!.Status.Should().Be("success");
        success.Data!.Value.GetProperty("response").GetString().Should().Be("Hello");
        success.Error.Should().BeNull();
        success.Attempt.Should().Be(2);
        success.FinishedAt.Should().Be(At(500));
        success.ExecutionTimeMs.Should().Be(490);
        success.Progress.Should().BeEquivalentTo(new ExecutionProgress { Completed = 1, Total = 2, Percent = 50 });
        success.EstimatedRemainingMs.Should().Be(490);
        success.ContinuedOnFail.Should().BeFalse();

        events[8].TryGetNodeExecutionAfter(out var failure).Should().BeTrue();
        failure!.Status.Should().Be("error");
        failure.Data.Should().BeNull();
        failure.Error!.Message.Should().Be("boom");
        failure.ContinuedOnFail.Should().BeTrue();
        failure.EstimatedRemainingMs.Should().BeNull();

        events[9].TryGetExecutionFinished(out var finished).Should().BeTrue();
        finished.Should().BeEquivalentTo(new ExecutionFinishedData
        {
            ExecutionId = 7, Status = "error", FinishedAt = At(600), ExecutionTimeMs = 600,
            Error = new ExecutionError { Message = "boom", NodeName = "Fail" },
        });
    }

    [Fact]
    public async Task StartAndStreamAsync_UnknownEventTypeAndExtraFields_DeliversAllAndParsesKnownPayloads()
    {
        string[] events =
        [
            """{"type":"executionStarted","version":2,"data":{"executionId":3,"mode":"manual","workflowId":"w","workflowName":"W","startedAt":"2026-01-01T00:00:00.000Z","totalNodes":1,"region":"eu","tags":["a"]}}""",
            """{"type":"nodeExecutionThinking","data":{"executionId":3,"nodeName":"A","thought":{"deep":[1,2,3]}}}""",
            """{"type":"executionFinished","data":{"executionId":3,"status":"success","finishedAt":"2026-01-01T00:00:01.000Z","executionTimeMs":1000,"cost":{"usd":0.01}}}""",
        ];
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(events));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var read = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        read.Select(e => e.Type).Should().Equal(ExecutionEventTypes.ExecutionStarted, "nodeExecutionThinking", ExecutionEventTypes.ExecutionFinished);
        read[0].TryGetExecutionStarted(out var started).Should().BeTrue();
        started!.WorkflowName.Should().Be("W");
        read[1].NodeName.Should().Be("A");
        read[1].Data.GetProperty("thought").GetProperty("deep").GetArrayLength().Should().Be(3);
        read[1].TryGetNodeExecutionAfter(out _).Should().BeFalse();
        read[1].ExecutionId.Should().Be(3, "the execution id came from the first event's data");
        read[2].TryGetExecutionFinished(out var finished).Should().BeTrue();
        finished!.Status.Should().Be("success");
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task StartAndStreamAsync_KeepaliveCommentsAndAnyLineEnding_IgnoresCommentsAndReadsEveryEvent(string newLine)
    {
        var wire = Wire.Execution(9, 3);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript { NewLine = newLine, Keepalives = true }));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var events = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        events.Select(e => e.Id).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        events.Select(e => e.ToString()).Should().Equal(wire);
    }

    [Fact]
    public async Task StartAndStreamAsync_EventsSplitAcrossReads_ParsesEachEventWhole()
    {
        var wire = Wire.Execution(9, 2);
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(wire, new StreamScript { ByteByByte = true, NewLine = "\r\n", Keepalives = true }));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var events = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        events.Select(e => e.ToString()).Should().Equal(wire);
    }

    [Fact]
    public async Task StartAndStreamAsync_ServerKeepsConnectionOpenAfterExecutionFinished_EndsAtExecutionFinished()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream(Wire.Execution(5, 1), new StreamScript { Then = StreamEnd.Hold }));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var events = await client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        events.Should().HaveCount(4);
        events[^1].IsTerminal.Should().BeTrue();
        server.Requests.Should().ContainSingle("nothing is re-attached after executionFinished");
    }

    [Fact]
    public async Task StartAndStreamAsync_InvalidWorkflowProblem_ThrowsWithStatusAndProblemDetails()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Problem(HttpStatusCode.BadRequest, "urn:flowstream:invalid-workflow", "Invalid workflow", "The workflow has 2 problems."));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var act = () => client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        error.ProblemType.Should().Be("urn:flowstream:invalid-workflow");
        error.Title.Should().Be("Invalid workflow");
        error.Detail.Should().Be("The workflow has 2 problems.");
        error.Problem!.Value.GetProperty("traceId").GetString().Should().Be("00-test");
        error.Message.Should().Be("400 Bad Request: The workflow has 2 problems.");
        server.Requests.Should().ContainSingle("a refused start is not retried");
    }

    [Fact]
    public async Task StartAndStreamAsync_SuccessThatIsNotAnEventStream_ThrowsExecutionStreamException()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Text(HttpStatusCode.OK, "<html>login</html>", "text/html"));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var act = () => client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server);

        (await act.Should().ThrowAsync<ExecutionStreamException>()).Which.Message.Should().Contain("text/html").And.Contain("text/event-stream");
    }

    [Fact]
    public async Task StartAndStreamAsync_DataLineThatIsNotJson_ThrowsExecutionStreamException()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On(StartStream, Respond.Stream([Wire.Execution(5, 1)[0], "not json"]));
        var client = new ExecutionStreamClient(server.CreateHttpClient());
        var read = new List<ExecutionEvent>();

        var act = () => client.StartAndStreamAsync("w", cancellationToken: Ct).CollectAsync(server, read);

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.Message.Should().Contain("event 2").And.Contain("not valid JSON");
        error.InnerException.Should().BeAssignableTo<JsonException>();
        error.StatusCode.Should().BeNull();
        read.Should().ContainSingle().Which.Id.Should().Be(1);
    }

    [Theory]
    [InlineData(0, null, 1)]
    [InlineData(3, "3", 4)]
    public async Task AttachAsync_LastEventId_SendsItAsHeaderAndReadsOnlyLaterEvents(long lastEventId, string? header, long firstId)
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("GET /executions/12/stream", Respond.Stream(Wire.Execution(12, 2)));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var events = await client.AttachAsync(12, lastEventId, Ct).CollectAsync(server);

        var request = server.Requests.Should().ContainSingle().Subject;
        request.LastEventId.Should().Be(header);
        request.Accept.Should().Be("text/event-stream");
        request.Body.Should().BeEmpty();
        events.Select(e => e.Id).Should().Equal(Enumerable.Range((int)firstId, 6 - (int)firstId + 1).Select(i => (long)i));
        events.Should().OnlyContain(e => e.ExecutionId == 12);
    }

    [Fact]
    public async Task AttachAsync_UnknownExecution_ThrowsNotFoundWithoutRetrying()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("GET /executions/5/stream", Respond.Problem(HttpStatusCode.NotFound, "urn:flowstream:execution-not-found", "Execution not found", "Execution 5 was not found"));
        var client = new ExecutionStreamClient(server.CreateHttpClient());

        var act = () => client.AttachAsync(5, cancellationToken: Ct).CollectAsync(server);

        var error = (await act.Should().ThrowAsync<ExecutionStreamException>()).Which;
        error.Message.Should().Be("404 Not Found: Execution 5 was not found");
        error.ExecutionId.Should().Be(5);
        server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task AttachAsync_BaseAddressWithPathAndCustomBasePath_CallsTheCombinedPath()
    {
        await using var server = await FakeExecutionServer.StartAsync();
        server.On("GET /api/v1/runs/8/stream", Respond.Stream(Wire.Execution(8, 1)));
        var client = new ExecutionStreamClient(server.CreateHttpClient("api/v1/"), new ExecutionStreamClientOptions { BasePath = "/runs/" });

        var events = await client.AttachAsync(8, cancellationToken: Ct).CollectAsync(server);

        events.Should().HaveCount(4);
        server.Requests.Should().ContainSingle().Which.Route.Should().Be("GET /api/v1/runs/8/stream");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(-1, 0)]
    [InlineData(1, -1)]
    public void AttachAsync_IdOutOfRange_ThrowsArgumentOutOfRangeException(long executionId, long lastEventId)
    {
        using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:1/") };
        var client = new ExecutionStreamClient(http);

        var act = () => client.AttachAsync(executionId, lastEventId);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    private static DateTimeOffset At(int milliseconds) => new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(milliseconds);

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
