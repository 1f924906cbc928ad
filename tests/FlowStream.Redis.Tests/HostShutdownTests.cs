using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlowStream.Redis.Tests;

/// <summary>Two hosts share one Redis: what stopping one does to the streams it serves of executions that run on the other.</summary>
public sealed class HostShutdownTests(SharedRedis shared)
{
    private const string GatedWorkflow = """
        {"workflow": {"id": "gated", "name": "Gated", "nodes": [{"name": "Start", "type": "manualTrigger"}, {"name": "Gate", "type": "gate"}, {"name": "Done", "type": "noOp"}],
         "connections": [{"from": "Start", "to": "Gate"}, {"from": "Gate", "to": "Done"}]}}
        """;

    [Fact]
    public async Task StoppingAHost_EndsItsStreamOfAnExecutionRunningElsewhere_AtOnceAndTheRunnerGoesOn()
    {
        var redis = await shared.GetAsync();
        var prefix = $"shutdown-{Guid.NewGuid():N}:";
        var gates = new Gates();
        await using var runner = await StartHostAsync(redis, prefix, gates);

        // The other host would wait 10 minutes for open requests to end on its own before aborting them: the stop must not need it.
        await using var other = await StartHostAsync(redis, prefix, gates, b => b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10)));
        using var start = await runner.Client.SendAsync(Http.Post("/executions", GatedWorkflow), TestContext.Current.CancellationToken);
        start.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var id = long.Parse(start.Headers.GetValues("X-Execution-Id").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var token = start.Headers.GetValues("FlowStream-Token").Single();
        other.Engine.TryGetExecution(id, out _).Should().BeFalse("the execution runs on the host that accepted it");

        // Other hosts see an execution once its first events reach Redis (a batch after the start).
        await runner.App.Services.GetRequiredService<FlowStream.Redis.Internal.RedisBackplane>().FlushAsync(id, TestContext.Current.CancellationToken).WithTimeout("the start to reach Redis");

        var attach = Http.Get($"/executions/{id}/stream");
        attach.Headers.Add("FlowStream-Token", token);
        using var response = await other.Client.SendStreamingAsync(attach).WithTimeout("the other host to answer the attach");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var sse = await response.OpenSseAsync();
        long last = 0;
        while (true)
        {
            var message = await sse.ReadMessageAsync(TestContext.Current.CancellationToken).WithTimeout("the gate to start, seen through the other host")
                ?? throw new InvalidOperationException("The stream ended before the gate started.");
            last = message.Id!.Value;
            if (message.Type == "nodeExecutionBefore" && message.Json.GetProperty("nodeName").GetString() == "Gate")
            {
                break;
            }
        }

        await other.App.StopAsync(CancellationToken.None).WithTimeout("the other host to stop while it streams an execution that runs elsewhere");

        (await sse.ReadAllAsync(TestContext.Current.CancellationToken).WithTimeout("the stream to end"))
            .Should().BeEmpty("the stream ends where it was, without executionFinished: the execution goes on elsewhere");

        // The client re-attaches on the runner after the last event it had, and sees the run through.
        gates.Release("Gate");
        var resume = Http.Get($"/executions/{id}/stream", lastEventId: last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        resume.Headers.Add("FlowStream-Token", token);
        using var resumed = await runner.Client.SendStreamingAsync(resume).WithTimeout("the runner to answer the re-attach");
        using var rest = await resumed.OpenSseAsync();
        var events = await rest.ReadAllAsync(TestContext.Current.CancellationToken).WithTimeout("the rest of the run");
        events.Select(e => e.Id!.Value).Should().StartWith(last + 1).And.BeInAscendingOrder();
        events[^1].Type.Should().Be("executionFinished");
        events[^1].Json.GetProperty("status").GetString().Should().Be("success");
    }

    private static Task<TestServer> StartHostAsync(RedisServer redis, string prefix, Gates gates, Action<FlowStreamBuilder>? configure = null)
        => TestServer.StartAsync(
            b =>
            {
                b.AddRedis(o =>
                {
                    o.Configuration = redis.Configuration;
                    o.KeyPrefix = prefix;
                });
                gates.Register(b);
                configure?.Invoke(b);
            },
            o => o.AllowInlineWorkflows = true);
}
