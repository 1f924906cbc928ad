using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ClientEvent = FlowStream.Client.ExecutionEvent;

namespace FlowStream.AspNetCore.Tests;

/// <summary>
/// One wire vocabulary (issue 9): every event Core writes is read back, field by field, by the .NET client's typed payloads,
/// which do not reference Core. A name written differently on either side fails here.
/// </summary>
public class WireVocabularyTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EveryEventCoreWrites_IsReadBackByTheClientsTypedPayloads()
    {
        var services = new ServiceCollection();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        services.AddFlowStream()
            .AddNode("talk", async (context, ct) =>
            {
                context.ReportProgress(JsonDocument.Parse("""{"delta": "hé <b>"}""").RootElement);
                await gate.Task.WaitAsync(ct);
                return NodeResult.Success(JsonDocument.Parse("""{"said": "hé"}""").RootElement);
            })
            .AddNode("flaky", (context, ct) => ValueTask.FromResult(context.Attempt == 1 ? NodeResult.Failure("first try fails") : NodeResult.Success()));
        await using var provider = services.BuildServiceProvider();
        var engine = provider.GetRequiredService<IWorkflowEngine>();
        var workflow = WorkflowDefinition.FromJson("""
            {
              "id": "vocabulary", "name": "Every event",
              "nodes": [
                {"name": "Start", "type": "manualTrigger"},
                {"name": "Talk", "type": "talk"},
                {"name": "Flaky", "type": "flaky", "retry": {"maxTries": 2}},
                {"name": "Check", "type": "if", "parameters": {"conditions": [{"left": "{{ $input.n }}", "operator": "gt", "right": 1}]}},
                {"name": "Yes", "type": "noOp"},
                {"name": "No", "type": "noOp"},
                {"name": "Fails", "type": "stopAndError", "parameters": {"message": "stopped"}, "continueOnFail": true},
                {"name": "Off", "type": "noOp", "disabled": true}
              ],
              "connections": [
                {"from": "Start", "to": "Talk"}, {"from": "Talk", "to": "Flaky"}, {"from": "Flaky", "to": "Check"},
                {"from": "Check", "fromOutput": "true", "to": "Yes"}, {"from": "Check", "fromOutput": "false", "to": "No"},
                {"from": "Yes", "to": "Fails"}, {"from": "Fails", "to": "Off"}
              ]
            }
            """);
        var execution = engine.Start(workflow, new ExecutionRequest { InputData = JsonDocument.Parse("""{"n": 2}""").RootElement });
        var reading = engine.SubscribeAsync(execution.Id, 0, TestContext.Current.CancellationToken).Select(e => e.Detach()).ToListAsync(TestContext.Current.CancellationToken).AsTask();
        await WaitForAsync(engine, execution.Id, ExecutionEventTypes.NodeExecutionProgress);
        execution.Pause().Should().BeTrue();
        execution.Resume().Should().BeTrue();
        gate.SetResult();
        var events = await reading.WaitAsync(s_patience, TestContext.Current.CancellationToken);

        events.Select(e => e.Type).Distinct().Should().BeEquivalentTo(
            [ExecutionEventTypes.ExecutionStarted, ExecutionEventTypes.NodeExecutionBefore, ExecutionEventTypes.NodeExecutionAfter, ExecutionEventTypes.NodeExecutionProgress,
             ExecutionEventTypes.NodeExecutionRetry, ExecutionEventTypes.ExecutionPaused, ExecutionEventTypes.ExecutionResumed, ExecutionEventTypes.ExecutionFinished],
            "the run produces every event type");
        Client.ExecutionEventTypes.ExecutionStarted.Should().Be(ExecutionEventTypes.ExecutionStarted);
        foreach (var e in events)
        {
            var data = e.Data;
            var read = new ClientEvent(execution.Id, e.Sequence, e.Type, data);
            switch (e.Type)
            {
                case ExecutionEventTypes.ExecutionStarted:
                    read.TryGetExecutionStarted(out var started).Should().BeTrue();
                    started!.ExecutionId.Should().Be(execution.Id);
                    started.Mode.Should().Be("manual");
                    started.WorkflowId.Should().Be("vocabulary");
                    started.WorkflowName.Should().Be("Every event");
                    started.TotalNodes.Should().Be(8);
                    started.StartedAt.Should().Be(execution.StartedAt.AddTicks(-(execution.StartedAt.Ticks % TimeSpan.TicksPerMillisecond)));
                    break;
                case ExecutionEventTypes.NodeExecutionBefore:
                    read.TryGetNodeExecutionBefore(out var before).Should().BeTrue();
                    before!.NodeName.Should().Be(data.GetProperty("nodeName").GetString()).And.NotBeEmpty();
                    before.NodeType.Should().Be(data.GetProperty("nodeType").GetString()).And.NotBeEmpty();
                    before.Attempt.Should().Be(1);
                    break;
                case ExecutionEventTypes.NodeExecutionAfter:
                    read.TryGetNodeExecutionAfter(out var after).Should().BeTrue();
                    after!.NodeName.Should().Be(data.GetProperty("nodeName").GetString());
                    after.Status.Should().Be(data.GetProperty("status").GetString()).And.BeOneOf("success", "error", "skipped");
                    after.Progress!.Total.Should().Be(8);
                    after.Progress.Completed.Should().Be(data.GetProperty("progress").GetProperty("completed").GetInt32());
                    after.FinishedAt.Should().BeOnOrAfter(execution.StartedAt.AddMilliseconds(-1));
                    after.Reason.Should().Be(data.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
                    after.Output.Should().Be(data.TryGetProperty("output", out var output) ? output.GetString() : null);
                    after.ContinuedOnFail.Should().Be(after.NodeName == "Fails");
                    if (after.Status == "error")
                    {
                        after.Error!.Message.Should().Be("stopped");
                    }

                    break;
                case ExecutionEventTypes.NodeExecutionProgress:
                    read.TryGetNodeExecutionProgress(out var progress).Should().BeTrue();
                    progress!.NodeName.Should().Be("Talk");
                    progress.Data.GetProperty("delta").GetString().Should().Be("hé <b>");
                    break;
                case ExecutionEventTypes.NodeExecutionRetry:
                    read.TryGetNodeExecutionRetry(out var retry).Should().BeTrue();
                    retry!.NodeName.Should().Be("Flaky");
                    retry.Attempt.Should().Be(1);
                    retry.Error!.Message.Should().Be("first try fails");
                    retry.WaitMs.Should().Be(0);
                    break;
                case ExecutionEventTypes.ExecutionPaused:
                    read.TryGetExecutionPaused(out var paused).Should().BeTrue();
                    paused!.ExecutionId.Should().Be(execution.Id);
                    break;
                case ExecutionEventTypes.ExecutionResumed:
                    read.TryGetExecutionResumed(out var resumed).Should().BeTrue();
                    resumed!.ExecutionId.Should().Be(execution.Id);
                    break;
                case ExecutionEventTypes.ExecutionFinished:
                    read.IsTerminal.Should().BeTrue();
                    read.TryGetExecutionFinished(out var finished).Should().BeTrue();
                    finished!.Status.Should().Be("success");
                    finished.FinishedAt.Should().Be(execution.FinishedAt!.Value.AddTicks(-(execution.FinishedAt.Value.Ticks % TimeSpan.TicksPerMillisecond)));
                    break;
            }
        }

        var afters = events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionAfter).ToDictionary(e => e.Data.GetProperty("nodeName").GetString()!, e => e.Data);
        afters["Check"].GetProperty("output").GetString().Should().Be("true");
        afters["No"].GetProperty("reason").GetString().Should().Be("branchNotTaken");
        afters["Off"].GetProperty("reason").GetString().Should().Be("disabled");
        events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionProgress).ToString().Should().Contain("\"hé <b>\"", "UTF-8 and <>& stay as they are");
    }

    private static async Task WaitForAsync(IWorkflowEngine engine, long executionId, string type)
    {
        await foreach (var e in engine.SubscribeAsync(executionId, 0, TestContext.Current.CancellationToken))
        {
            if (e.Type == type)
            {
                return;
            }
        }
    }
}
