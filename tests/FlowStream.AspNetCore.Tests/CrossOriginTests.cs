using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Issue 11, cross-origin protection on every POST: cross-site browser requests get 403; non-browser requests pass, without a body.</summary>
public class CrossOriginTests
{
    [Theory]
    [InlineData("/executions/stream")]
    [InlineData("/executions")]
    [InlineData("/executions/{id}/cancel")]
    [InlineData("/executions/{id}/pause")]
    [InlineData("/executions/{id}/resume")]
    [InlineData("/executions/{id}/tokens")]
    public async Task Post_CrossSiteBrowserRequest_Answers403AndChangesNothing(string template)
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var (id, token) = await AccessTests.StartWithTokenAsync(server, null);
        await server.WaitForNodeStartAsync(id, "Gate");
        using var request = PostContent(template.Replace("{id}", Format(id), StringComparison.Ordinal), Http.Json("""{"flowId": "two"}"""));
        request.Headers.Add("FlowStream-Token", token);
        request.Headers.Add("Sec-Fetch-Site", "cross-site");
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await server.CreateClient().SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ExecutionStreamProblemTypes.CrossOriginRequest);
        server.Engine.ListExecutions().Should().ContainSingle("no execution was started");
        server.Execution(id).Status.Should().Be(ExecutionStatus.Running);
        server.Events.TryGetLastSequence(id, out var last).Should().BeTrue();
        last.Should().Be(4, "nothing was paused, resumed or canceled");
        gates.Release("Gate");
    }

    [Theory]
    [InlineData("same-site")]
    [InlineData("cross-site")]
    public async Task Post_SameSiteOrCrossSiteFromAnotherOrigin_Answers403(string secFetchSite)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        using var request = Http.Post("/executions", """{"flowId": "two"}""");
        request.Headers.Add("Sec-Fetch-Site", secFetchSite);
        request.Headers.Add("Origin", "http://localhost:1");

        using var response = await server.CreateClient().SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ExecutionStreamProblemTypes.CrossOriginRequest);
    }

    [Fact]
    public async Task Post_OldBrowserWithForeignOrigin_Answers403()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        using var request = Http.Post("/executions", """{"flowId": "two"}""");
        request.Headers.Add("Origin", "https://evil.example");

        using var response = await server.CreateClient().SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ExecutionStreamProblemTypes.CrossOriginRequest);
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Theory]
    [InlineData("same-origin", null)]
    [InlineData("none", null)]
    [InlineData(null, "self")]
    [InlineData("cross-site", "https://app.example")]
    public async Task Post_SameOriginOrTrustedOrigin_Passes(string? secFetchSite, string? origin)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.TrustedOrigins.Add("https://app.example"));
        using var request = Http.Post("/executions", """{"flowId": "two"}""");
        if (secFetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", secFetchSite);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin == "self" ? server.BaseAddress.GetLeftPart(UriPartial.Authority) : origin);
        }

        using var response = await server.CreateClient().SendAsync(request, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("pause")]
    public async Task Control_CurlStylePostWithoutBody_Answers202(string action)
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var (id, token) = await AccessTests.StartWithTokenAsync(server, null);
        await server.WaitForNodeStartAsync(id, "Gate");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/executions/{Format(id)}/{action}");
        request.Headers.Add("FlowStream-Token", token);

        using var response = await server.CreateClient().SendAsync(request, Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        if (action == "cancel")
        {
            (await server.WaitForCompletionAsync(id)).Should().Be(ExecutionStatus.Canceled);
        }
        else
        {
            server.Execution(id).Cancel();
        }

        gates.Release("Gate");
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "a=b")]
    [InlineData("text/plain", "")]
    public async Task Control_NonJsonBodyFromNonBrowser_Answers202(string contentType, string body)
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        await server.WaitForNodeStartAsync(id, "Gate");

        using var response = await server.Client.SendAsync(PostRaw($"/executions/{Format(id)}/cancel", body, contentType), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted, "the origin check, not the content type, guards control requests");
        (await server.WaitForCompletionAsync(id)).Should().Be(ExecutionStatus.Canceled);
    }
}
