using System.Net;
using System.Text.Json;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Issue 11, bounded by default: what a request can make the host do is limited, and the caller is told which limit it hit.</summary>
public class LimitsTests
{
    [Theory]
    [InlineData(2_147_483_647)]
    [InlineData(11)]
    public async Task InlineWorkflow_RetryStorm_RejectedAtValidation(int maxTries)
    {
        await using var server = await TestServer.StartAsync(configureStream: o => o.AllowInlineWorkflows = true);
        var json = $$$"""{"workflow": {"id": "storm", "name": "Storm", "nodes": [{"name": "Fail", "type": "stopAndError", "retry": {"maxTries": {{{maxTries}}}, "waitMs": 0}}]}}""";

        using var response = await server.Client.SendAsync(Http.Post("/executions/stream", json), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidWorkflow);
        var error = problem.GetProperty("errors").EnumerateArray().Single();
        error.GetProperty("code").GetString().Should().Be(WorkflowValidationCodes.TooManyTries);
        error.GetProperty("message").GetString().Should().Contain("MaxRetryTries").And.Contain("10");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Fact]
    public async Task InlineWorkflow_WaitBeyondMaximum_RejectedAtValidation()
    {
        await using var server = await TestServer.StartAsync(configureStream: o => o.AllowInlineWorkflows = true);
        const string Json = """{"workflow": {"nodes": [{"name": "Nap", "type": "wait", "parameters": {"ms": 4233600000}}]}}""";

        using var response = await server.Client.SendAsync(Http.Post("/executions", Json), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidWorkflow);
        var error = problem.GetProperty("errors").EnumerateArray().Single();
        error.GetProperty("code").GetString().Should().Be(WorkflowValidationCodes.WaitTooLong);
        error.GetProperty("message").GetString().Should().Contain("MaxWait");
    }

    [Theory]
    [InlineData("""{"name": "Slow", "type": "noOp", "timeoutMs": 2000000000}""", WorkflowValidationCodes.TimeoutTooLong)]
    [InlineData("""{"name": "Slow", "type": "noOp", "retry": {"maxTries": 2, "waitMs": 2000000000}}""", WorkflowValidationCodes.WaitTooLong)]
    public async Task InlineWorkflow_TimeoutOrRetryWaitBeyondMaximum_RejectedAtValidation(string node, string code)
    {
        await using var server = await TestServer.StartAsync(configureStream: o => o.AllowInlineWorkflows = true);

        using var response = await server.Client.SendAsync(Http.Post("/executions", $$$"""{"workflow": {"nodes": [{{{node}}}]}}"""), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidWorkflow);
        problem.GetProperty("errors").EnumerateArray().Single().GetProperty("code").GetString().Should().Be(code);
    }

    [Fact]
    public async Task InlineWorkflow_ParsesExactlyLikeAStoredOne()
    {
        await using var server = await TestServer.StartAsync(configureStream: o => o.AllowInlineWorkflows = true);
        const string Json = """{"workflow": {"nodes": [{"name": "A", "type": "noOp", "retry": {"maxTries": 3}}]}}""";

        using var response = await server.Client.SendAsync(Http.Post("/executions", Json), Ct);
        var body = await response.ReadJsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, "'retry' without waitMs or backoffMultiplier takes their defaults, as in a flow file; the body was {0}", body);
        var id = body.GetProperty("executionId").GetInt64();
        var started = await server.WaitForEventAsync(id, e => e.Type == "executionStarted");
        started.Data.GetProperty("workflowId").GetString().Should().BeEmpty("a missing id is an empty id, as WorkflowDefinition.FromJson reads it");
        started.Data.GetProperty("workflowName").GetString().Should().BeEmpty();
        var workflow = server.Execution(id).Workflow;
        workflow.Nodes.Single().Retry!.BackoffMultiplier.Should().Be(1);
        workflow.ToJson().Should().Be(WorkflowDefinition.FromJson(workflow.ToJson()).ToJson());
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\" manual\"")]
    [InlineData("\"9lives\"")]
    [InlineData("\"<script>\"")]
    [InlineData("\"a-mode-that-is-far-too-long-for-anybody\"")]
    public async Task Start_ModeNotAShortIdentifier_Answers400(string mode)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        using var response = await server.Client.SendAsync(Http.Post("/executions", $$"""{"flowId": "two", "mode": {{mode}}}"""), Ct);

        if (mode == "\"\"")
        {
            response.StatusCode.Should().Be(HttpStatusCode.Accepted, "an empty mode means the default, manual");
            return;
        }

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest);
        problem.Detail().Should().Contain("'mode'");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Fact]
    public async Task Stream_MoreThanMaxStreamsPerExecution_Answers429WithRetryAfter()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates), o => o.MaxStreamsPerExecution = 2);
        var (id, token) = await AccessTests.StartWithTokenAsync(server, null);
        var path = $"/executions/{Format(id)}/stream?access_token={Uri.EscapeDataString(token)}";
        using var client = server.CreateClient();

        using var first = await client.SendStreamingAsync(new HttpRequestMessage(HttpMethod.Get, path));
        using var second = await client.SendStreamingAsync(new HttpRequestMessage(HttpMethod.Get, path));
        using var third = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), Ct);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        var problem = await third.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, ExecutionStreamProblemTypes.QuotaExceeded);
        problem.Detail().Should().Contain("MaxStreamsPerExecution");
        third.Headers.RetryAfter!.Delta.Should().BePositive();

        // A stream that ends gives its place back.
        first.Dispose();
        gates.Release("Gate");
        await server.WaitForCompletionAsync(id);
        using var sse = await second.OpenSseAsync();
        await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");
        using var again = await client.SendStreamingAsync(new HttpRequestMessage(HttpMethod.Get, path));
        again.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Start_QuotaExceeded_Answers429WithRetryAfterAndScope()
    {
        var engine = default(QuotaEngine);
        await using var server = await TestServer.StartAsync(b =>
        {
            Flows.Register(b);
            b.Services.AddSingleton<IWorkflowEngine>(sp => engine = new QuotaEngine(InnerEngine(b.Services, sp)));
        });
        engine!.Throw = new ExecutionQuotaExceededException("owner", 100, TimeSpan.FromSeconds(2.5));

        using var stream = await server.Client.SendAsync(Http.Post("/executions/stream", """{"flowId": "two"}"""), Ct);
        using var start = await server.Client.SendAsync(Http.Post("/executions", """{"flowId": "two"}"""), Ct);

        foreach (var response in new[] { stream, start })
        {
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests, ExecutionStreamProblemTypes.QuotaExceeded);
            response.Headers.GetValues("Retry-After").Single().Should().Be("3", "Retry-After is whole seconds, rounded up");
            problem.GetProperty("scope").GetString().Should().Be("owner");
            problem.GetProperty("limit").GetInt32().Should().Be(100);
            problem.Detail().Should().Contain("MaxRunningExecutionsPerOwner");
        }
    }

    [Fact]
    public async Task Start_QuotaPartition_IsUserIdOrAnonymousAddressOrHostKey()
    {
        var engine = default(QuotaEngine);
        Func<Microsoft.AspNetCore.Http.HttpContext, string?>? partition = null;
        await using var server = await TestServer.StartAsync(
            b =>
            {
                Flows.Register(b);
                b.Services.AddSingleton<IWorkflowEngine>(sp => engine = new QuotaEngine(InnerEngine(b.Services, sp)));
            },
            o => o.QuotaPartition = context => partition?.Invoke(context),
            authentication: true);

        await server.StartAsync("""{"flowId": "two"}""", user: "alice");
        await server.StartAsync("""{"flowId": "two"}""");
        partition = context => context.Request.Headers["X-Tenant"].ToString() is { Length: > 0 } tenant ? "tenant:" + tenant : null;
        using var request = Http.Post("/executions", """{"flowId": "two"}""");
        request.Headers.Add("X-Tenant", "acme");
        (await server.Client.SendAsync(request, Ct)).StatusCode.Should().Be(HttpStatusCode.Accepted);

        engine!.Partitions.Should().Equal("alice", "anonymous:127.0.0.1", "tenant:acme");
    }

    /// <summary>Passes everything to the real engine, records each start's quota partition, and throws when told to.</summary>
    private sealed class QuotaEngine(IWorkflowEngine inner) : IWorkflowEngine
    {
        public ExecutionQuotaExceededException? Throw { get; set; }

        public List<string?> Partitions { get; } = [];

        public IReadOnlyList<WorkflowValidationProblem> Validate(WorkflowDefinition workflow) => inner.Validate(workflow);

        public WorkflowExecution Start(WorkflowDefinition workflow, ExecutionRequest? request = null)
        {
            Partitions.Add(request?.QuotaPartition);
            return Throw is { } exception ? throw exception : inner.Start(workflow, request);
        }

        public bool TryGetExecution(long executionId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WorkflowExecution? execution) => inner.TryGetExecution(executionId, out execution);

        public IReadOnlyList<WorkflowExecution> ListExecutions() => inner.ListExecutions();

        public IAsyncEnumerable<ExecutionEvent> SubscribeAsync(long executionId, long afterSequence = 0, CancellationToken cancellationToken = default)
            => inner.SubscribeAsync(executionId, afterSequence, cancellationToken);

        public IAsyncEnumerable<ExecutionEvent> RunWithEventsAsync(WorkflowDefinition workflow, ExecutionRequest? request = null, CancellationToken cancellationToken = default)
            => inner.RunWithEventsAsync(workflow, request, cancellationToken);
    }

    /// <summary>The engine AddFlowStream registered, resolved through its own registration (captured before the test's decorator replaces it).</summary>
    private static IWorkflowEngine InnerEngine(IServiceCollection services, IServiceProvider provider)
    {
        var registration = services.First(d => d.ServiceType == typeof(IWorkflowEngine));
        return (IWorkflowEngine)registration.ImplementationFactory!(provider);
    }
}
