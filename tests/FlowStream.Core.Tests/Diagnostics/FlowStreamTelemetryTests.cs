using System.Diagnostics;
using System.Diagnostics.Metrics;
using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Diagnostics;

public class FlowStreamTelemetryTests
{
    [Fact]
    public async Task Execution_EmitsActivitiesPerExecutionAndNode()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "FlowStream",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (activities)
                {
                    activities.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = TestEngine.Create();
        var execution = host.Engine.Start(new WorkflowBuilder("telemetry-wf").AddNode("A", "manualTrigger").AddNode("B", "noOp").Chain("A", "B").Build());
        await execution.Completion.WithTimeout("the execution to finish");

        List<Activity> mine;
        lock (activities)
        {
            // Execution ids repeat across test hosts (each fake clock starts at the same instant): match the workflow id instead.
            static bool Ours(Activity? a) => a is not null && Equals(a.GetTagItem("flowstream.workflow.id"), "telemetry-wf");
            mine = [.. activities.Where(a => Ours(a) || Ours(a.Parent))];
        }

        mine.Should().ContainSingle(a => a.OperationName == "FlowStream.Execution")
            .Which.GetTagItem("flowstream.status").Should().Be("success");
        mine.Where(a => a.OperationName == "FlowStream.Node").Select(a => a.GetTagItem("flowstream.node.name")).Should().BeEquivalentTo(new[] { "A", "B" });
        var executionActivity = mine.Single(a => a.OperationName == "FlowStream.Execution");
        executionActivity.GetTagItem("flowstream.execution.id").Should().Be(execution.Id);
        mine.Where(a => a.OperationName == "FlowStream.Node").Select(a => a.GetTagItem("flowstream.node.type")).Should().BeEquivalentTo(new[] { "manualTrigger", "noOp" });
        mine.Where(a => a.OperationName == "FlowStream.Node").Should().OnlyContain(a => a.Parent == executionActivity && Equals(a.GetTagItem("flowstream.status"), "success"));
    }

    [Fact]
    public async Task ParallelNodes_EachGetTheirOwnActivity_StoppedWithTheirStatus()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "FlowStream",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (stopped)
                {
                    stopped.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b => b.AddNode("gate", async (context, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return NodeResult.Success(context.Input);
        }));
        var execution = host.Engine.Start(new WorkflowBuilder("telemetry-parallel").AddNode("A", "gate").AddNode("B", "gate").AddNode("C", "gate").Build(), new ExecutionRequest { MaxDegreeOfParallelism = 3 });
        var started = 0;
        await foreach (var e in host.Engine.SubscribeAsync(execution.Id, 0, TestContext.Current.CancellationToken))
        {
            if (e.Type == ExecutionEventTypes.NodeExecutionBefore && ++started == 3)
            {
                break;
            }
        }

        gate.SetResult();
        await execution.Completion.WithTimeout("the execution to finish");

        List<string?> nodes;
        lock (stopped)
        {
            nodes = [.. stopped.Where(a => a.OperationName == "FlowStream.Node" && Equals(a.Parent?.GetTagItem("flowstream.workflow.id"), "telemetry-parallel")).Select(a => a.GetTagItem("flowstream.node.name") as string)];
        }

        nodes.Should().BeEquivalentTo(new[] { "A", "B", "C" }, "three nodes ran at once, and each one's activity was stopped");
    }

    [Fact]
    public async Task Execution_RecordsMetricsWithoutSecrets()
    {
        // Other tests run executions in parallel and the Meter is static: count only this test's own measurements. Node
        // measurements carry the node type (unique to this test); execution measurements are tied to this execution through
        // the execution's Activity, current when they are recorded (the way OpenTelemetry exemplars correlate them).
        var workflowId = $"metrics-{Guid.NewGuid():N}";
        var nodeType = $"fail-{Guid.NewGuid():N}";
        var measurements = new List<(string Instrument, KeyValuePair<string, object?>[] Tags)>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "FlowStream",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(activities);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "FlowStream")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        bool Ours(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "flowstream.node.type")
                {
                    return Equals(tag.Value, nodeType);
                }
            }

            for (var activity = Activity.Current; activity is not null; activity = activity.Parent)
            {
                if (Equals(activity.GetTagItem("flowstream.workflow.id"), workflowId))
                {
                    return true;
                }
            }

            return false;
        }

        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            if (!Ours(tags))
            {
                return;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, tags.ToArray()));
            }
        }

        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<double>(Record);
        listener.Start();
        await using var host = TestEngine.Create(b => b.AddNode(nodeType, (ctx, ct) => ValueTask.FromResult(NodeResult.Failure("secret-ish message"))));
        var workflow = new WorkflowBuilder(workflowId).AddNode("A", "manualTrigger").AddNode("Fail", nodeType).Chain("A", "Fail").Build();
        await host.Engine.Start(workflow, new ExecutionRequest { InputData = ExecutionEventTestExtensions.Json("""{"apiKey": "TOPSECRET"}""") }).Completion
            .WithTimeout("the execution to finish");

        lock (measurements)
        {
            measurements.Count(m => m.Instrument == "flowstream.executions").Should().Be(1, "one execution of this workflow ran");
            measurements.Should().ContainSingle(m => m.Instrument == "flowstream.executions")
                .Which.Tags.Should().Contain(new KeyValuePair<string, object?>("flowstream.status", "error"));
            measurements.Count(m => m.Instrument == "flowstream.execution.duration").Should().Be(1);
            measurements.Should().ContainSingle(m => m.Instrument == "flowstream.nodes")
                .Which.Tags.Should().Contain(new KeyValuePair<string, object?>("flowstream.status", "error"));
            measurements.Count(m => m.Instrument == "flowstream.node.duration").Should().Be(1);
            measurements.SelectMany(m => m.Tags).Select(t => t.Value?.ToString()).Should().NotContain(v => v != null && (v.Contains("TOPSECRET") || v.Contains("secret-ish")));
        }
    }
}
