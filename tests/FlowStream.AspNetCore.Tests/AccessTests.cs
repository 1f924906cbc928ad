using System.Net;
using System.Text.Json;
using FlowStream.AspNetCore.Tests.Infrastructure;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>Issue 11, run-scoped tokens: an execution answers its owner and the holders of its tokens, and 404s everybody else.</summary>
public class AccessTests
{
    private const string TokenHeader = "FlowStream-Token";

    [Theory]
    [InlineData(null)]
    [InlineData("alice")]
    public async Task Endpoints_CallerWithoutOwnerIdentityOrToken_Answer404(string? starter)
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates), authentication: true);
        var (id, token) = await StartWithTokenAsync(server, starter);
        token.Should().NotBeNullOrEmpty("the starter always gets its execution token");
        await server.WaitForNodeStartAsync(id, "Gate");
        using var stranger = server.CreateClient();
        var path = $"/executions/{Format(id)}";

        foreach (var request in StrangerRequests(path))
        {
            using (request)
            {
                using var response = await stranger.SendAsync(request, Ct);
                var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
                problem.Detail().Should().Be($"Execution '{Format(id)}' was not found.", "{0} {1}: another anonymous caller shares nothing", request.Method, request.RequestUri);
            }
        }

        server.Execution(id).Status.Should().Be(ExecutionStatus.Running, "neither the pause nor the cancel of a stranger took effect");
        gates.Release("Gate");
        (await server.WaitForCompletionAsync(id)).Should().Be(ExecutionStatus.Success);
    }

    [Fact]
    public async Task Endpoints_TokenOfAnotherExecution_Answer404()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var (first, _) = await StartWithTokenAsync(server, null);
        var (_, secondToken) = await StartWithTokenAsync(server, null);
        using var stranger = server.CreateClient();

        using var request = Http.Get($"/executions/{Format(first)}");
        request.Headers.Add(TokenHeader, secondToken);
        using var response = await stranger.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
        gates.Release("Gate");
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Endpoints_ForgedToken_Answer404(string token)
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var (id, _) = await StartWithTokenAsync(server, null);
        using var stranger = server.CreateClient();

        using var request = Http.Get($"/executions/{Format(id)}");
        request.Headers.Add(TokenHeader, token);
        using var response = await stranger.SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
        gates.Release("Gate");
    }

    [Fact]
    public async Task ExecutionToken_HeaderOrQuery_ReadsAndControls()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var (id, token) = await StartWithTokenAsync(server, null);
        await server.WaitForNodeStartAsync(id, "Gate");
        using var client = server.CreateClient();
        var path = $"/executions/{Format(id)}";

        using var status = await client.GetAsync($"{path}?access_token={Uri.EscapeDataString(token)}", Ct);
        using var stream = await client.SendStreamingAsync(new HttpRequestMessage(HttpMethod.Get, $"{path}/stream?access_token={Uri.EscapeDataString(token)}"));
        using var pause = new HttpRequestMessage(HttpMethod.Post, $"{path}/pause");
        pause.Headers.Add(TokenHeader, token);
        using var paused = await client.SendAsync(pause, Ct);
        using var cancel = new HttpRequestMessage(HttpMethod.Post, $"{path}/cancel");
        cancel.Headers.Add(TokenHeader, token);
        using var canceled = await client.SendAsync(cancel, Ct);
        using var sse = await stream.OpenSseAsync();
        var events = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");

        status.StatusCode.Should().Be(HttpStatusCode.OK);
        stream.StatusCode.Should().Be(HttpStatusCode.OK);
        paused.StatusCode.Should().Be(HttpStatusCode.Accepted);
        canceled.StatusCode.Should().Be(HttpStatusCode.Accepted);
        events[^1].Json.GetProperty("status").GetString().Should().Be("canceled");
        sse.Raw.Should().NotContain(token, "a token is never put in an event");
    }

    [Fact]
    public async Task StartWithoutStreaming_Answers202WithAccessToken()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        using var client = server.CreateClient();

        using var response = await client.SendAsync(Http.Post("/executions", """{"flowId": "two"}"""), Ct);
        var body = await response.ReadJsonAsync();

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var token = body.GetProperty("accessToken").GetString();
        token.Should().NotBeNullOrEmpty().And.Be(response.Headers.GetValues(TokenHeader).Single());
        using var status = new HttpRequestMessage(HttpMethod.Get, response.Headers.Location);
        status.Headers.Add(TokenHeader, token);
        using var read = await client.SendAsync(status, Ct);
        read.StatusCode.Should().Be(HttpStatusCode.OK);
        (await read.ReadJsonAsync()).TryGetProperty("accessToken", out _).Should().BeFalse("only the 202 of the start carries the token");
    }

    [Fact]
    public async Task ShareToken_StreamsAndReads_ButCannotControlOrShare()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var (id, token) = await StartWithTokenAsync(server, null);
        await server.WaitForNodeStartAsync(id, "Gate");
        var share = await MintAsync(server, id, token, """{"expiresInSeconds": 120}""");
        share.GetProperty("access").GetString().Should().Be("read");
        var shareToken = share.GetProperty("token").GetString()!;
        using var watcher = server.CreateClient();
        var path = $"/executions/{Format(id)}";

        using var status = await watcher.GetAsync($"{path}?access_token={Uri.EscapeDataString(shareToken)}", Ct);
        using var stream = await watcher.SendStreamingAsync(new HttpRequestMessage(HttpMethod.Get, $"{path}/stream?access_token={Uri.EscapeDataString(shareToken)}"));
        using var output = await watcher.GetAsync($"{path}/nodes/Start/output?access_token={Uri.EscapeDataString(shareToken)}", Ct);
        status.StatusCode.Should().Be(HttpStatusCode.OK);
        stream.StatusCode.Should().Be(HttpStatusCode.OK);
        output.StatusCode.Should().Be(HttpStatusCode.OK);

        foreach (var action in new[] { "cancel", "pause", "resume", "tokens" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}/{action}");
            request.Headers.Add(TokenHeader, shareToken);
            using var response = await watcher.SendAsync(request, Ct);
            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, ExecutionStreamProblemTypes.Forbidden);
            problem.Detail().Should().Contain("not control");
        }

        server.Execution(id).Status.Should().Be(ExecutionStatus.Running, "a share token controls nothing");
        gates.Release("Gate");
        using var sse = await stream.OpenSseAsync();
        var events = await sse.ReadAllAsync(Ct).WithTimeout("the SSE stream to end");
        events[^1].Type.Should().Be("executionFinished");
        events[^1].Json.GetProperty("status").GetString().Should().Be("success");
    }

    [Fact]
    public async Task ShareToken_Expired_IsRefused()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates), fakeTime: true);
        var (id, token) = await StartWithTokenAsync(server, null);
        var share = await MintAsync(server, id, token, """{"expiresInSeconds": 60}""");
        var shareToken = share.GetProperty("token").GetString()!;
        DateTimeOffset.Parse(share.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .Should().Be(server.Time!.GetUtcNow().AddSeconds(60));
        using var watcher = server.CreateClient();
        var path = $"/executions/{Format(id)}?access_token={Uri.EscapeDataString(shareToken)}";

        using (var fresh = await watcher.GetAsync(path, Ct))
        {
            fresh.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        server.Time.Advance(TimeSpan.FromSeconds(60));
        using var expired = await watcher.GetAsync(path, Ct);

        await expired.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
        gates.Release("Gate");
    }

    [Fact]
    public async Task ShareToken_DefaultLifetime15MinutesAndCapped()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates), fakeTime: true);
        var (id, token) = await StartWithTokenAsync(server, null);
        var now = server.Time!.GetUtcNow();

        var byDefault = await MintAsync(server, id, token, null);
        var capped = await MintAsync(server, id, token, """{"expiresInSeconds": 1e9}""");

        ExpiresAt(byDefault).Should().Be(now.AddMinutes(15));
        ExpiresAt(capped).Should().Be(now.AddHours(24), "ExecutionStreamOptions.MaxShareTokenLifetime caps the lifetime");
        gates.Release("Gate");

        static DateTimeOffset ExpiresAt(JsonElement share)
            => DateTimeOffset.Parse(share.GetProperty("expiresAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData("""{"expiresInSeconds": 0}""")]
    [InlineData("""{"expiresInSeconds": -5}""")]
    [InlineData("""{"expiresInSeconds": "soon"}""")]
    public async Task ShareToken_BadLifetime_Answers400(string body)
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var (id, token) = await StartWithTokenAsync(server, null);
        using var request = PostContent($"/executions/{Format(id)}/tokens", Http.Json(body));
        request.Headers.Add(TokenHeader, token);

        using var response = await server.CreateClient().SendAsync(request, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, ExecutionStreamProblemTypes.InvalidRequest);
        gates.Release("Gate");
    }

    [Fact]
    public async Task Owner_MintsShareTokenWithoutAnyToken()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates), authentication: true);
        var id = await server.StartAsync("""{"flowId": "gated"}""", user: "alice");

        using var response = await server.CreateClient().SendAsync(PostContent($"/executions/{Format(id)}/tokens", null, "alice"), Ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.ReadJsonAsync()).GetProperty("token").GetString().Should().NotBeNullOrEmpty();
        gates.Release("Gate");
    }

    internal static async Task<(long Id, string Token)> StartWithTokenAsync(TestServer server, string? user, string json = """{"flowId": "gated"}""")
    {
        using var client = server.CreateClient();
        using var response = await client.SendAsync(Http.Post("/executions", json, user), Ct);
        var body = await response.ReadJsonAsync();
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, "the body was {0}", body);
        return (body.GetProperty("executionId").GetInt64(), body.GetProperty("accessToken").GetString()!);
    }

    internal static async Task<JsonElement> MintAsync(TestServer server, long id, string token, string? json)
    {
        using var request = PostContent($"/executions/{Format(id)}/tokens", json is null ? null : Http.Json(json));
        request.Headers.Add(TokenHeader, token);
        using var response = await server.CreateClient().SendAsync(request, Ct);
        var body = await response.ReadJsonAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, "the body was {0}", body);
        return body;
    }

    private static IEnumerable<HttpRequestMessage> StrangerRequests(string path) =>
    [
        Http.Get(path),
        Http.Get($"{path}/stream"),
        Http.Get($"{path}/stream", lastEventId: "1"),
        Http.Get($"{path}/nodes/Start/output"),
        new(HttpMethod.Post, $"{path}/cancel"),
        new(HttpMethod.Post, $"{path}/pause"),
        new(HttpMethod.Post, $"{path}/resume"),
        new(HttpMethod.Post, $"{path}/tokens"),
    ];
}
