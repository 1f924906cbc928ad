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
    public async Task WaitUntilVisible_CompletesOnceRedisHasTheExecution_NotBefore_AndNotOnlyAtTheTimeout()
    {
        var redis = await shared.GetAsync();
        await using var proxy = new LoopbackTcpProxy(redis.Port);
        var gates = new Gates();
        var prefix = Hosts.NewPrefix();

        // A timeout far beyond the test's own guard: the wait must end because Redis acknowledged, not because time ran out.
        await using var a = await Hosts.StartAsync($"127.0.0.1:{proxy.Port},abortConnect=false", prefix, gates, configure: o => o.ControlTimeout = TimeSpan.FromMinutes(5));
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, gates);
        var directoryA = a.App.Services.GetRequiredService<IExecutionDirectory>();
        var directoryB = b.App.Services.GetRequiredService<IExecutionDirectory>();

        proxy.Hold();
        Task visible;
        WorkflowExecution execution;
        try
        {
            execution = a.Engine.Start(Flows.Gated, new ExecutionRequest { OwnerId = Alice });
            visible = directoryA.WaitUntilVisibleAsync(execution.Id, Ct).AsTask();
            await proxy.WhenHeldAsync().WithTimeout("A's bytes to be held at the proxy");

            visible.IsCompleted.Should().BeFalse("Redis has not received the execution yet");
            (await directoryB.FindAsync(execution.Id, Ct)).Should().BeNull("nothing of it is in Redis yet");
        }
        finally
        {
            proxy.Release();
        }

        await visible.WithTimeout("the execution to become visible once Redis has it");
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
        WorkflowExecution execution;
        try
        {
            execution = a.Engine.Start(Flows.Gated, new ExecutionRequest { OwnerId = Alice });
            var waited = System.Diagnostics.Stopwatch.StartNew();
            await directory.WaitUntilVisibleAsync(execution.Id, Ct).AsTask().WithTimeout("the bounded wait");

            waited.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250), "it waited for Redis, up to ControlTimeout");
            execution.Status.Should().Be(ExecutionStatus.Running, "a slow store delays its visibility elsewhere, not the execution");
        }
        finally
        {
            proxy.Release();
        }

        gates.Release("Gate");
        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Success);
    }

    [Fact]
    public async Task AStartThroughA_OverASlowLink_AnswersOnlyOnceRedisHasIt_ThenBFindsIt()
    {
        var redis = await shared.GetAsync();
        await using var proxy = new LoopbackTcpProxy(redis.Port);
        var gates = new Gates();
        var prefix = Hosts.NewPrefix();
        await using var a = await Hosts.StartAsync($"127.0.0.1:{proxy.Port},abortConnect=false", prefix, gates, configure: o => o.ControlTimeout = TimeSpan.FromMinutes(5));
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, gates);
        await a.StartAsync("""{"flowId": "two"}""", Alice);   // warm: connections, the key ring

        proxy.Hold();
        Task<HttpResponseMessage> response;
        bool answeredWhileHeld;
        try
        {
            response = a.Client.SendAsync(Http.Post("/executions", """{"flowId": "gated"}""", Alice), Ct);
            await proxy.WhenHeldAsync().WithTimeout("A's bytes to be held at the proxy");

            // A negative claim needs a bounded real wait: a start that did not wait for Redis answers within it.
            await Task.WhenAny(response, Task.Delay(TimeSpan.FromSeconds(1), Ct));
            answeredWhileHeld = response.IsCompleted;
        }
        finally
        {
            proxy.Release();
        }

        answeredWhileHeld.Should().BeFalse("A's events were held before Redis, so the start could not answer yet");
        using var answered = await response.WithTimeout("A's answer");
        answered.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var id = System.Text.Json.JsonDocument.Parse(await answered.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("executionId").GetInt64();
        using var found = await b.Client.SendAsync(Http.Get($"/executions/{id}", Alice), Ct).WithTimeout("B's answer");
        found.StatusCode.Should().Be(HttpStatusCode.OK);
        gates.Release("Gate");
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
