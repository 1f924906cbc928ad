using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Redis.Tests;

/// <summary>
/// An id handed out by a start is found on every instance: the start waits until the execution's first events are in Redis
/// (<see cref="IExecutionDirectory.WaitUntilVisibleAsync"/>), so a client that comes straight back through another instance is
/// never told 404. Host A reaches Redis through a TCP proxy that can hold what A sends (a slow link).
/// </summary>
public sealed class VisibilityTests(SharedRedis shared)
{
    private const string Alice = "alice";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WaitUntilVisible_CompletesOnlyOnceRedisHasTheExecution_ThenTheOtherHostFindsIt()
    {
        var redis = await shared.GetAsync();
        await using var proxy = new LoopbackTcpProxy(redis.Port);
        var gates = new Gates();
        var prefix = Hosts.NewPrefix();
        await using var a = await Hosts.StartAsync($"127.0.0.1:{proxy.Port},abortConnect=false", prefix, gates);
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, gates);
        var directoryA = a.App.Services.GetRequiredService<IExecutionDirectory>();
        var directoryB = b.App.Services.GetRequiredService<IExecutionDirectory>();

        proxy.Hold();
        var execution = a.Engine.Start(Flows.Gated, new ExecutionRequest { OwnerId = Alice });
        var visible = directoryA.WaitUntilVisibleAsync(execution.Id, Ct).AsTask();
        await proxy.WhenHeldAsync().WithTimeout("A's first events to reach the proxy");

        visible.IsCompleted.Should().BeFalse("Redis has not received the execution yet");
        (await directoryB.FindAsync(execution.Id, Ct)).Should().BeNull("nothing of it is in Redis yet");
        proxy.Release();
        await visible.WithTimeout("the execution to become visible");
        var found = await directoryB.FindAsync(execution.Id, Ct);
        found.Should().NotBeNull();
        found!.OwnerId.Should().Be(Alice);

        gates.Release("Gate");
        await execution.Completion.WithTimeout("the execution");
    }

    [Fact]
    public async Task WaitUntilVisible_WhenRedisDoesNotTakeTheEventsInTime_GivesUpAfterControlTimeout_WithoutFailingTheExecution()
    {
        var redis = await shared.GetAsync();
        await using var proxy = new LoopbackTcpProxy(redis.Port);
        var gates = new Gates();
        await using var a = await Hosts.StartAsync($"127.0.0.1:{proxy.Port},abortConnect=false", Hosts.NewPrefix(), gates, configure: o => o.ControlTimeout = TimeSpan.FromMilliseconds(300));
        var directory = a.App.Services.GetRequiredService<IExecutionDirectory>();

        proxy.Hold();
        var execution = a.Engine.Start(Flows.Gated, new ExecutionRequest { OwnerId = Alice });
        await directory.WaitUntilVisibleAsync(execution.Id, Ct).AsTask().WithTimeout("the bounded wait");

        execution.Status.Should().Be(ExecutionStatus.Running, "a slow store delays its visibility elsewhere, not the execution");
        proxy.Release();
        gates.Release("Gate");
        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Success);
    }

    [Fact]
    public async Task AStartThroughA_IsFoundThroughB_AtOnce_EveryTime()
    {
        var redis = await shared.GetAsync();
        var gates = new Gates();
        var prefix = Hosts.NewPrefix();
        await using var a = await Hosts.StartAsync(redis.Configuration, prefix, gates);
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, gates);

        for (var i = 0; i < 20; i++)
        {
            var id = await a.StartAsync("""{"flowId": "two"}""", Alice);

            using var response = await b.Client.SendAsync(Http.Get($"/executions/{id}", Alice), Ct).WithTimeout("B's answer");
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"start {i + 1} answered with its id, so every instance finds it");
        }
    }
}
