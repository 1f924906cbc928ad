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
        await execution.Completion;

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
    }

    [Fact]
    public async Task Execution_RecordsMetricsWithoutSecrets()
    {
        var measurements = new List<(string Instrument, KeyValuePair<string, object?>[] Tags)>();
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
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            lock (measurements)
            {
                measurements.Add((instrument.Name, tags.ToArray()));
            }
        }

        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<double>(Record);
        listener.Start();
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("metrics").AddNode("A", "manualTrigger").AddNode("Fail", "stopAndError", """{"message": "secret-ish message"}""").Chain("A", "Fail").Build();
        await host.Engine.Start(workflow, new ExecutionRequest { InputData = ExecutionEventTestExtensions.Json("""{"apiKey": "TOPSECRET"}""") }).Completion;

        lock (measurements)
        {
            measurements.Select(m => m.Instrument).Should().Contain(["flowstream.executions", "flowstream.execution.duration", "flowstream.nodes", "flowstream.node.duration", "flowstream.events.published"]);
            measurements.Should().Contain(m => m.Instrument == "flowstream.executions" && m.Tags.Any(t => t.Key == "flowstream.status" && (string?)t.Value == "error"));
            measurements.SelectMany(m => m.Tags).Select(t => t.Value?.ToString()).Should().NotContain(v => v != null && (v.Contains("TOPSECRET") || v.Contains("secret-ish")));
        }
    }
}
