using System.Net;
using System.Text.Json;
using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.Redis.Tests.Infrastructure;

namespace FlowStream.Redis.Tests;

/// <summary>
/// Two real hosts (Kestrel on 127.0.0.1) sharing one real redis-server: an execution started on A is streamed, resumed, read and
/// controlled through B exactly as through A, and a stranger is told nothing on either.
/// </summary>
public sealed class TwoHostTests(SharedRedis redis) : IAsyncLifetime
{
    private const string Alice = "alice";
    private readonly Gates _gates = new();
    private TestServer _a = null!;
    private TestServer _b = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var server = await redis.GetAsync().WithTimeout("redis-server to start");
        var prefix = Hosts.NewPrefix();
        _a = await Hosts.StartAsync(server.Configuration, prefix, _gates);
        _b = await Hosts.StartAsync(server.Configuration, prefix, _gates);
    }

    public async ValueTask DisposeAsync()
    {
        _gates.Release("Gate");
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task StartOnA_StreamThroughB_FromTheStartAndFromLastEventId_SameEventsAsA()
    {
        var id = await _a.StartAsync("""{"flowId": "gated"}""", Alice);
        await _a.WaitForNodeStartAsync(id, "Gate");
        await _a.Backplane().FlushAsync(id, Ct).WithTimeout("A's events to reach Redis");

        using var live = await _b.Client.SendStreamingAsync(Http.Get($"/executions/{id}/stream", Alice)).WithTimeout("B's response");
        live.StatusCode.Should().Be(HttpStatusCode.OK);
        using var sse = await live.OpenSseAsync();
        var before = await sse.ReadUntilAsync(m => m.Type == "nodeExecutionBefore" && m.Json.GetProperty("nodeName").GetString() == "Gate", "Gate's nodeExecutionBefore through B");
        before.Select(m => m.Id).Should().Equal(1, 2, 3, 4);

        _gates.Release("Gate");
        var rest = await sse.ReadAllAsync(Ct).WithTimeout("the rest of the stream through B");
        rest.Select(m => m.Id).Should().Equal(5, 6, 7, 8);
        rest[^1].Type.Should().Be("executionFinished");
        rest[^1].Json.GetProperty("status").GetString().Should().Be("success");

        // The bytes B sent are the bytes A published.
        var local = await _a.Engine.SubscribeAsync(id, 0, Ct).ToListAsync(Ct).AsTask().WithTimeout("A's own events");
        before.Concat(rest).Select(m => m.Data).Should().Equal(local.Select(e => e.ToString()));

        using var resumed = await _b.Client.SendStreamingAsync(Http.Get($"/executions/{id}/stream", Alice, lastEventId: "5")).WithTimeout("B's response to a resume");
        resumed.StatusCode.Should().Be(HttpStatusCode.OK);
        using var resumedSse = await resumed.OpenSseAsync();
        (await resumedSse.ReadAllAsync(Ct).WithTimeout("the resumed stream")).Select(m => m.Id).Should().Equal(6, 7, 8);

        using var done = await _b.Client.SendAsync(Http.Get($"/executions/{id}/stream", Alice, lastEventId: "8"), Ct).WithTimeout("B's response at the end");
        done.StatusCode.Should().Be(HttpStatusCode.NoContent, "nothing follows the last event of a finished execution, on any host");
        using var beyond = await _b.Client.SendAsync(Http.Get($"/executions/{id}/stream", Alice, lastEventId: "9"), Ct).WithTimeout("B's response beyond the end");
        beyond.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task StartOnA_StatusOutputAndControlThroughB_AppliedOnA()
    {
        var id = await _a.StartAsync("""{"flowId": "gated", "inputData": {"order": 42}}""", Alice);
        await _a.WaitForNodeStartAsync(id, "Gate");
        await _a.Backplane().FlushAsync(id, Ct).WithTimeout("A's events to reach Redis");
        var execution = _a.Execution(id);
        _b.Engine.TryGetExecution(id, out _).Should().BeFalse("the execution runs on A only");

        var status = await GetJsonAsync(_b, $"/executions/{id}", Alice);
        status.GetProperty("status").GetString().Should().Be("running");
        status.GetProperty("workflowId").GetString().Should().Be("gated");
        NodeStatuses(status).Should().Equal("success", "running", "pending");

        using var output = await _b.Client.SendAsync(Http.Get($"/executions/{id}/nodes/Start/output", Alice), Ct).WithTimeout("B's output response");
        output.StatusCode.Should().Be(HttpStatusCode.OK);
        (await output.ReadJsonAsync()).GetProperty("order").GetInt32().Should().Be(42);

        var paused = await ControlAsync(_b, id, "pause", HttpStatusCode.Accepted);
        execution.Status.Should().Be(ExecutionStatus.Paused, "B answers only once A has applied the pause");
        paused.GetProperty("status").GetString().Should().Be("paused");

        var resumed = await ControlAsync(_b, id, "resume", HttpStatusCode.Accepted);
        execution.Status.Should().Be(ExecutionStatus.Running);
        resumed.GetProperty("status").GetString().Should().Be("running");

        await ControlAsync(_b, id, "cancel", HttpStatusCode.Accepted);
        (await execution.Completion.WithTimeout("A's execution to end")).Should().Be(ExecutionStatus.Canceled);

        var finished = await GetJsonAsync(_b, $"/executions/{id}", Alice);
        finished.GetProperty("status").GetString().Should().Be("canceled");
        var conflict = await ControlAsync(_b, id, "cancel", HttpStatusCode.Conflict);
        conflict.GetProperty("type").GetString().Should().Be("urn:flowstream:problem:execution-finished");
    }

    [Fact]
    public async Task Stranger_GetsNotFoundOnBothHosts_AndAnAnonymousTokenFromAWorksOnB()
    {
        var owned = await _a.StartAsync("""{"flowId": "gated"}""", Alice);
        await _a.WaitForNodeStartAsync(owned, "Gate");
        await _a.Backplane().FlushAsync(owned, Ct).WithTimeout("A's events to reach Redis");
        foreach (var host in new[] { _a, _b })
        {
            foreach (var path in new[] { $"/executions/{owned}", $"/executions/{owned}/stream", $"/executions/{owned}/nodes/Start/output" })
            {
                using var stranger = await host.Client.SendAsync(Http.Get(path, "mallory"), Ct).WithTimeout("the stranger's response");
                stranger.StatusCode.Should().Be(HttpStatusCode.NotFound, "{0} on {1} belongs to someone else", path, host.BaseAddress);
                using var anonymous = await host.CreateClient().SendAsync(Http.Get(path), Ct).WithTimeout("the anonymous response");
                anonymous.StatusCode.Should().Be(HttpStatusCode.NotFound);
            }

            using var control = await host.Client.SendAsync(Api.Control($"/executions/{owned}/cancel", "mallory"), Ct).WithTimeout("the stranger's cancel");
            control.StatusCode.Should().Be(HttpStatusCode.NotFound);
        }

        _a.Execution(owned).IsFinished.Should().BeFalse("nobody but its owner could cancel it");

        // An anonymous start: only its token opens it, on either host.
        using var start = await _a.CreateClient().SendAsync(Http.Post("/executions", """{"flowId": "two"}"""), Ct).WithTimeout("the anonymous start");
        start.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var token = start.Headers.GetValues("FlowStream-Token").Single();
        var id = (await start.ReadJsonAsync()).GetProperty("executionId").GetInt64();
        await _a.WaitForCompletionAsync(id);
        await _a.Backplane().FlushAsync(id, Ct).WithTimeout("A's events to reach Redis");

        var withToken = Http.Get($"/executions/{id}");
        withToken.Headers.Add("FlowStream-Token", token);
        using var onB = await _b.CreateClient().SendAsync(withToken, Ct).WithTimeout("B's answer to the token");
        onB.StatusCode.Should().Be(HttpStatusCode.OK, "B checks A's token with the shared key ring");
        (await onB.ReadJsonAsync()).GetProperty("status").GetString().Should().Be("success");

        using var withoutToken = await _b.CreateClient().SendAsync(Http.Get($"/executions/{id}"), Ct).WithTimeout("B's answer without the token");
        withoutToken.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var otherToken = Http.Get($"/executions/{owned}");
        otherToken.Headers.Add("FlowStream-Token", token);
        using var wrongExecution = await _b.CreateClient().SendAsync(otherToken, Ct).WithTimeout("B's answer to a token for another execution");
        wrongExecution.StatusCode.Should().Be(HttpStatusCode.NotFound, "a token opens its own execution only");
    }

    [Fact]
    public async Task Ids_MintedByTwoHostsAtOnce_NeverCollide()
    {
        var starts = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? _a : _b).StartAsync("""{"flowId": "two"}""", Alice)).ToList();
        var ids = await Task.WhenAll(starts).WithTimeout("80 starts");
        ids.Should().OnlyHaveUniqueItems();
        ids.Should().OnlyContain(id => id > 0 && id <= (1L << 53) - 1);
    }

    private static async Task<JsonElement> GetJsonAsync(TestServer server, string path, string user)
    {
        using var response = await server.Client.SendAsync(Http.Get(path, user), Ct).WithTimeout($"{path}");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.ReadJsonAsync();
    }

    private static async Task<JsonElement> ControlAsync(TestServer server, long id, string verb, HttpStatusCode expected)
    {
        using var response = await server.Client.SendAsync(Api.Control($"/executions/{id}/{verb}", Alice), Ct).WithTimeout($"{verb} through {server.BaseAddress}");
        response.StatusCode.Should().Be(expected);
        return await response.ReadJsonAsync();
    }

    private static string[] NodeStatuses(JsonElement summary)
        => [.. summary.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("status").GetString()!)];
}
