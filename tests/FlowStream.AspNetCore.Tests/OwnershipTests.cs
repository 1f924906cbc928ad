using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Executions belong to whoever started them: anyone else gets 404, exactly as for an execution that does not exist.</summary>
public class OwnershipTests
{
    [Theory]
    [InlineData("bob")]
    [InlineData(null)]
    public async Task Endpoints_AnotherCallersExecution_Answer404AndChangeNothing(string? caller)
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates), authentication: true);
        var id = await server.StartAsync("""{"flowId": "gated"}""", user: "alice");
        await server.WaitForNodeStartAsync(id, "Gate");
        server.Execution(id).OwnerId.Should().Be("alice");
        var path = $"/executions/{Format(id)}";

        foreach (var request in new[]
        {
            Http.Get($"{path}/stream", caller),
            Http.Get($"{path}/stream", caller, lastEventId: "1"),
            Http.Get(path, caller),
            Control($"{path}/pause", caller),
            Control($"{path}/resume", caller),
            Control($"{path}/cancel", caller),
        })
        {
            using (request)
            {
                // Headers only: a stream wrongly opened to a stranger fails the status assertion at once instead of running on.
                using var response = await server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct).WithTimeout($"the response to {request.Method} {request.RequestUri}");
                var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
                problem.Detail().Should().Be($"Execution '{Format(id)}' was not found.", "someone else's execution looks exactly like one that does not exist");
            }
        }

        var execution = server.Execution(id);
        execution.Status.Should().Be(ExecutionStatus.Running, "neither the pause nor the cancel of another caller took effect");
        server.Events.TryGetLastSequence(id, out var last).Should().BeTrue();
        last.Should().Be(4, "no executionPaused or executionResumed was published");
        gates.Release("Gate");
        (await server.WaitForCompletionAsync(id)).Should().Be(ExecutionStatus.Success);
    }

    [Fact]
    public async Task Endpoints_OwnersOwnExecution_Answer200And202()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates), authentication: true);
        var id = await server.StartAsync("""{"flowId": "gated"}""", user: "alice");
        await server.WaitForNodeStartAsync(id, "Gate");
        var path = $"/executions/{Format(id)}";

        using var status = await server.Client.SendAsync(Http.Get(path, "alice"), Ct);
        using var pause = await server.Client.SendAsync(Control($"{path}/pause", "alice"), Ct);
        using var resume = await server.Client.SendAsync(Control($"{path}/resume", "alice"), Ct);
        using var stream = await server.Client.SendStreamingAsync(Http.Get($"{path}/stream", "alice", lastEventId: "4"));
        using var cancel = await server.Client.SendAsync(Control($"{path}/cancel", "alice"), Ct);
        using var sse = await stream.OpenSseAsync();
        var events = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        status.StatusCode.Should().Be(HttpStatusCode.OK);
        (await status.ReadJsonAsync()).GetProperty("executionId").GetInt64().Should().Be(id);
        pause.StatusCode.Should().Be(HttpStatusCode.Accepted);
        resume.StatusCode.Should().Be(HttpStatusCode.Accepted);
        stream.StatusCode.Should().Be(HttpStatusCode.OK);
        stream.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted);
        events.Select(e => e.Type).Should().StartWith(["executionPaused", "executionResumed"]).And.EndWith("executionFinished");
        events[^1].Json.GetProperty("status").GetString().Should().Be("canceled");
    }

    [Fact]
    public async Task StartAndStream_AuthenticatedUser_StreamsAndOwnsTheExecution()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), authentication: true);

        using var response = await server.Client.SendStreamingAsync(Http.Post("/executions/stream", """{"flowId": "two"}""", "alice"));
        using var sse = await response.OpenSseAsync();
        var events = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        events[^1].Type.Should().Be("executionFinished");
        var id = events[0].Json.GetProperty("executionId").GetInt64();
        server.Execution(id).OwnerId.Should().Be("alice");
        using var asBob = await server.Client.SendAsync(Http.Get($"/executions/{Format(id)}", "bob"), Ct);
        await asBob.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
    }

    [Fact]
    public async Task Endpoints_AnonymousExecution_VisibleToAnonymousCallersOnly()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), authentication: true);
        var id = await server.StartAsync("""{"flowId": "two"}""");
        await server.WaitForCompletionAsync(id);
        server.Execution(id).OwnerId.Should().BeNull();

        using var anonymousStatus = await server.Client.SendAsync(Http.Get($"/executions/{Format(id)}"), Ct);
        using var anonymousStream = await server.Client.SendAsync(Http.Get($"/executions/{Format(id)}/stream"), Ct);
        using var aliceStatus = await server.Client.SendAsync(Http.Get($"/executions/{Format(id)}", "alice"), Ct);
        using var aliceStream = await server.Client.SendAsync(Http.Get($"/executions/{Format(id)}/stream", "alice"), Ct);

        anonymousStatus.StatusCode.Should().Be(HttpStatusCode.OK);
        anonymousStream.StatusCode.Should().Be(HttpStatusCode.OK);
        (await anonymousStream.Content.ReadAsStringAsync(Ct)).Should().Contain("\"type\":\"executionFinished\"");
        await aliceStatus.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
        await aliceStream.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
    }

    [Theory]
    [InlineData("/executions/stream")]
    [InlineData("/executions")]
    public async Task Start_UserWithoutIdClaim_Answers403Forbidden(string path)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), authentication: true);

        using var response = await server.Client.SendAsync(Http.Post(path, """{"flowId": "two"}""", "no-id"), Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ExecutionStreamProblemTypes.Forbidden);
        problem.Detail().Should().Contain(System.Security.Claims.ClaimTypes.NameIdentifier).And.Contain("UserIdClaimType");
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Fact]
    public async Task Start_CustomUserIdClaimType_OwnsByThatClaim()
    {
        await using var server = await TestServer.StartAsync(
            b => Flows.Register(b), o => o.UserIdClaimType = System.Security.Claims.ClaimTypes.Name, authentication: true);

        using var response = await server.Client.SendAsync(Http.Post("/executions", """{"flowId": "two"}""", "no-id"), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, "the 'no-id' user has a Name claim");
        var id = (await response.ReadJsonAsync()).GetProperty("executionId").GetInt64();
        server.Execution(id).OwnerId.Should().Be("no-id");
    }

    [Fact]
    public async Task MapExecutionStream_WithoutAddFlowStream_ThrowsInvalidOperationExceptionNamingAddFlowStream()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        var act = () => app.MapExecutionStream();

        act.Should().Throw<InvalidOperationException>().WithMessage("*AddFlowStream()*");
    }

    [Fact]
    public async Task MapExecutionStream_RequireAuthorizationChained_AnonymousGets401()
    {
        await using var server = await TestServer.StartAsync(
            b => Flows.Register(b), authentication: true, configurePipeline: app => app.MapExecutionStream("/secure").RequireAuthorization());

        using var anonymousStart = await server.Client.SendAsync(Http.Post("/secure/stream", """{"flowId": "two"}"""), Ct);
        using var anonymousPost = await server.Client.SendAsync(Http.Post("/secure", """{"flowId": "two"}"""), Ct);
        var nothingStarted = server.Engine.ListExecutions().Count;
        var id = await server.StartAsync("""{"flowId": "two"}""", user: "alice");
        using var anonymousStatus = await server.Client.SendAsync(Http.Get($"/secure/{Format(id)}"), Ct);
        using var aliceStatus = await server.Client.SendAsync(Http.Get($"/secure/{Format(id)}", "alice"), Ct);
        using var aliceStream = await server.Client.SendAsync(Http.Post("/secure/stream", """{"flowId": "two"}""", "alice"), Ct);

        anonymousStart.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        anonymousPost.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        nothingStarted.Should().Be(0);
        anonymousStatus.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        aliceStatus.StatusCode.Should().Be(HttpStatusCode.OK);
        aliceStream.StatusCode.Should().Be(HttpStatusCode.OK);
        aliceStream.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
    }
}
