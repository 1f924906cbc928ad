using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.Redis.Tests.Infrastructure;
using StackExchange.Redis;

namespace FlowStream.Redis.Tests;

/// <summary>
/// What goes wrong between hosts and Redis, with real parts: a host cut off from Redis (a TCP proxy between them drops the
/// connection) is presumed lost and its execution ended by the other host; Redis killed and restarted mid-run loses nothing.
/// </summary>
public sealed class FailureTests
{
    private const string Alice = "alice";
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostCutOffFromRedis_OtherHostEndsItsExecution_AndTheLostHostCannotAppendWhenItReturns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = new LoopbackTcpProxy(redis.Port);
        var gates = new Gates();
        var prefix = Hosts.NewPrefix();
        var cutOff = $"127.0.0.1:{proxy.Port},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";
        await using var a = await Hosts.StartAsync(cutOff, prefix, gates, s_lease);
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, gates, s_lease);

        var id = await a.StartAsync("""{"flowId": "gated"}""", Alice);
        await a.WaitForNodeStartAsync(id, "Gate");
        await a.Backplane().FlushAsync(id, Ct).WithTimeout("A's events to reach Redis");
        using var response = await b.Client.SendStreamingAsync(Http.Get($"/executions/{id}/stream", Alice)).WithTimeout("B's response");
        using var sse = await response.OpenSseAsync();
        (await sse.ReadUntilAsync(m => m.Id == 4, "the first four events through B")).Select(m => m.Id).Should().Equal(1, 2, 3, 4);

        // A loses Redis while Gate runs: it cannot renew its lease, so B ends the execution once the lease lapses.
        proxy.Cut();
        var end = await sse.ReadAllAsync(Ct).WithTimeout("B to end the lost execution");
        end.Select(m => m.Id).Should().Equal(5, 6);
        end[0].Type.Should().Be("nodeExecutionAfter");
        end[0].Json.GetProperty("nodeName").GetString().Should().Be("Gate");
        end[0].Json.GetProperty("status").GetString().Should().Be("error");
        end[0].Json.GetProperty("error").GetProperty("message").GetString().Should().Contain("was lost");
        end[1].Type.Should().Be("executionFinished");
        end[1].Json.GetProperty("status").GetString().Should().Be("error");
        end[1].Json.GetProperty("error").GetProperty("message").GetString().Should().Contain("was lost");

        var summary = await (await b.Client.SendAsync(Http.Get($"/executions/{id}", Alice), Ct).WithTimeout("B's summary")).ReadJsonAsync();
        summary.GetProperty("status").GetString().Should().Be("error");
        summary.GetProperty("nodes")[1].GetProperty("status").GetString().Should().Be("error");

        // A comes back: it finds it no longer owns the execution and stops it; its late events never reach Redis.
        proxy.Restore();
        var execution = a.Execution(id);
        (await execution.Completion.WithTimeout("A to stop the execution it lost")).Should().Be(ExecutionStatus.Error);
        execution.ErrorMessage.Should().Contain("lost execution");
        await using var direct = await redis.ConnectAsync();
        var stream = await direct.GetDatabase().StreamRangeAsync(b.Backplane().Keys.Events(id), "-", "+");
        stream.Select(e => (string?)e.Id).Should().Equal("1-0", "2-0", "3-0", "4-0", "5-0", "6-0");
        ((string)stream[^1]["d"]!).Should().Contain("was lost", "the end B wrote stands; A's own end was refused");
    }

    [Fact]
    public async Task RedisKilledAndRestartedMidRun_StartsGet503_RunningExecutionLosesNothing_StreamsThroughOtherHostResume()
    {
        await using var redis = await RedisServer.StartAsync(persistent: true);
        var gates = new Gates();
        var prefix = Hosts.NewPrefix();
        await using var a = await Hosts.StartAsync(redis.Configuration, prefix, gates, TimeSpan.FromSeconds(30));
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, gates, TimeSpan.FromSeconds(30));
        var id = await a.StartAsync("""{"flowId": "gated"}""", Alice);
        await a.WaitForNodeStartAsync(id, "Gate");
        await a.Backplane().FlushAsync(id, Ct).WithTimeout("A's events to reach Redis");
        using var response = await b.Client.SendStreamingAsync(Http.Get($"/executions/{id}/stream", Alice)).WithTimeout("B's response");
        using var sse = await response.OpenSseAsync();
        await sse.ReadUntilAsync(m => m.Id == 4, "the first four events through B");

        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        a.Backplane().Connection.Current!.ConnectionFailed += (_, e) => lost.TrySetResult();
        await redis.KillAsync();
        await lost.Task.WithTimeout("A to notice Redis is gone");

        using (var refused = await a.Client.SendAsync(Http.Post("/executions", """{"flowId": "two"}""", Alice), Ct).WithTimeout("a start while Redis is down"))
        {
            var problem = await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:flowstream:problem:store-unavailable");
            problem.Detail().Should().Contain("Redis");
            refused.Headers.RetryAfter.Should().NotBeNull();
        }

        // The execution goes on while Redis is down: its events wait on A, in order.
        gates.Release("Gate");
        (await a.Execution(id).Completion.WithTimeout("A's execution to finish while Redis is down")).Should().Be(ExecutionStatus.Success);

        await redis.RestartAsync();
        var rest = await sse.ReadAllAsync(Ct).WithTimeout("B's stream to resume after Redis returned");
        rest.Select(m => m.Id).Should().Equal(5, 6, 7, 8);
        rest[^1].Type.Should().Be("executionFinished");
        rest[^1].Json.GetProperty("status").GetString().Should().Be("success");

        await using var direct = await redis.ConnectAsync();
        var stream = await direct.GetDatabase().StreamRangeAsync(a.Backplane().Keys.Events(id), "-", "+");
        stream.Select(e => (string?)e.Id).Should().Equal(Enumerable.Range(1, 8).Select(i => $"{i}-0"), "no event lost, duplicated or out of order");
        var local = await a.Engine.SubscribeAsync(id, 0, Ct).ToListAsync(Ct).AsTask().WithTimeout("A's own events");
        stream.Select(e => (string)e["d"]!).Should().Equal(local.Select(e => e.ToString()));
    }

    [Fact]
    public async Task RedisUnreachableTooLong_ExecutionWhoseBufferWouldOverflow_FailsSayingSo_AndItsEndReachesRedisLater()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = new LoopbackTcpProxy(redis.Port);
        var gates = new Gates();
        var prefix = Hosts.NewPrefix();
        var cutOff = $"127.0.0.1:{proxy.Port},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";
        await using var a = await Hosts.StartAsync(cutOff, prefix, gates, TimeSpan.FromSeconds(30), o => o.MaxBufferedEventBytesPerExecution = 16 * 1024, b => b.AddNode("chatty", async (context, cancellationToken) =>
        {
            // Reports progress until it is stopped.
            var payload = System.Text.Json.JsonDocument.Parse($$"""{"text": "{{new string('x', 1000)}}"}""").RootElement;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                context.ReportProgress(payload);
                await Task.Yield();
            }
        }));
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, gates, TimeSpan.FromSeconds(30));
        var flow = new WorkflowBuilder("chatty", "Chatty").AddNode("Start", "manualTrigger").AddNode("Gate", "gate").AddNode("Chatty", "chatty").Chain("Start", "Gate", "Chatty").Build();
        var id = a.Engine.Start(flow, new ExecutionRequest { OwnerId = Alice }).Id;
        await a.WaitForNodeStartAsync(id, "Gate");
        await a.Backplane().FlushAsync(id, Ct).WithTimeout("the first events to reach Redis");

        proxy.Cut();
        gates.Release("Gate");
        var execution = a.Execution(id);
        (await execution.Completion.WithTimeout("the execution to stop on its full buffer")).Should().Be(ExecutionStatus.Error);
        execution.ErrorMessage.Should().Contain("MaxBufferedEventBytesPerExecution");

        proxy.Restore();
        using var response = await b.Client.SendStreamingAsync(Http.Get($"/executions/{id}/stream", Alice)).WithTimeout("B's response");
        using var sse = await response.OpenSseAsync();
        var events = await sse.ReadAllAsync(Ct).WithTimeout("the whole execution through B, once A flushed its buffer");
        events.Select(m => m.Id).Should().Equal(Enumerable.Range(1, events.Count).Select(i => (long?)i), "the buffered events arrive in order, none dropped");
        events[^1].Json.GetProperty("error").GetProperty("message").GetString().Should().Contain("MaxBufferedEventBytesPerExecution");
    }

    [Fact]
    public async Task ControlThroughB_WhileTheRunningHostIsUnreachable_Is503NotAHang()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = new LoopbackTcpProxy(redis.Port);
        var gates = new Gates();
        var prefix = Hosts.NewPrefix();
        var cutOff = $"127.0.0.1:{proxy.Port},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";
        await using var a = await Hosts.StartAsync(cutOff, prefix, gates, TimeSpan.FromSeconds(30));
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, gates, TimeSpan.FromSeconds(30), o => o.ControlTimeout = TimeSpan.FromSeconds(1));
        var id = await a.StartAsync("""{"flowId": "gated"}""", Alice);
        await a.WaitForNodeStartAsync(id, "Gate");
        await a.Backplane().FlushAsync(id, Ct).WithTimeout("A's events to reach Redis");

        proxy.Cut();
        using var response = await b.Client.SendAsync(Api.Control($"/executions/{id}/pause", Alice), Ct).WithTimeout("B's answer");
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "urn:flowstream:problem:store-unavailable");
        problem.Detail().Should().Contain("instance that runs execution");
        a.Execution(id).Status.Should().Be(ExecutionStatus.Running, "the command never reached A");
        proxy.Restore();
    }
}
