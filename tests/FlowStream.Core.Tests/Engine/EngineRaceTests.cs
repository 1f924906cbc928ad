using System.Diagnostics.Metrics;
using FlowStream.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Tests.Engine;

/// <summary>Regressions of the engine rebuild (issue 9): races and rough edges found in review, observed through public behaviour.</summary>
public class EngineRaceTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AbandonedAttempt_ProgressItReportsWhileTheNextAttemptRuns_IsNotPublished()
    {
        var firstAttempt = new TaskCompletionSource<NodeExecutionContext>(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var secondGate = new TaskCompletionSource<NodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b => b.AddNode("deaf", (context, _) =>
        {
            if (context.Attempt == 1)
            {
                // Ignores its token: the engine gives up on it when the timeout fires, and it lives on.
                firstAttempt.TrySetResult(context);
                return new ValueTask<NodeResult>(new TaskCompletionSource<NodeResult>().Task);
            }

            secondStarted.TrySetResult();
            return new ValueTask<NodeResult>(secondGate.Task);
        }));
        var workflow = WorkflowDefinition.FromJson("""
            {"id": "abandon", "name": "abandon", "nodes": [{"name": "Deaf", "type": "deaf", "timeoutMs": 100, "retry": {"maxTries": 2}}]}
            """);
        var timers = host.Timers.TimersCreated;
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        var abandoned = await firstAttempt.Task.WaitAsync(s_patience, Ct);
        await host.AdvanceWhenTimersAsync(timers, 1, TimeSpan.FromMilliseconds(100));
        await secondStarted.Task.WaitAsync(s_patience, Ct);

        abandoned.ReportProgress(ExecutionEventTestExtensions.Json("""{"from": "the abandoned attempt"}"""));
        secondGate.SetResult(NodeResult.Success());

        (await execution.Completion.WaitAsync(s_patience, Ct)).Should().Be(ExecutionStatus.Success);
        var events = await recorder.Completion.WaitAsync(s_patience, Ct);
        events.Should().Contain(e => e.Type == ExecutionEventTypes.NodeExecutionRetry, "the first attempt timed out and was retried");
        events.Should().NotContain(e => e.Type == ExecutionEventTypes.NodeExecutionProgress, "an abandoned attempt reports nothing, even while its node still runs");
    }

    [Fact]
    public async Task Reader_LagsCatchesUpAndLagsAgain_CountedEachTimeOnTheHostsMeter_AndParksWhenCaughtUp()
    {
        var services = new ServiceCollection();
        services.AddMetrics();
        services.AddFlowStream(o => o.SubscriberBufferCapacity = 4);
        await using var provider = services.BuildServiceProvider();
        var writer = provider.GetRequiredService<IExecutionEventWriter>();
        var reader = provider.GetRequiredService<IExecutionEventReader>();
        long lagging = 0;
        using var listener = new MeterListener();
        var scope = provider.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name == "flowstream.subscribers.lagging")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref lagging, value));
        listener.Start();
        const long Id = 42;
        Publish(writer, Id, 1, 10);
        reader.TryOpen(Id, 0, out var opened).Should().BeTrue();
        await using var subscription = opened!;

        (await subscription.ReadAsync(Ct)).Length.Should().Be(10, "everything available comes in one batch");
        Interlocked.Read(ref lagging).Should().Be(1, "10 events behind is more than SubscriberBufferCapacity (4)");

        var parked = subscription.ReadAsync(Ct);
        await Task.Yield();
        parked.IsCompleted.Should().BeFalse("a caught-up reader parks until the next append: no polling, no spinning");

        Publish(writer, Id, 11, 11);
        (await parked.AsTask().WaitAsync(s_patience, Ct)).Span[0].Sequence.Should().Be(11);
        Interlocked.Read(ref lagging).Should().Be(1, "one event behind is not lagging");

        Publish(writer, Id, 12, 30);
        (await subscription.ReadAsync(Ct)).Length.Should().Be(19);
        Interlocked.Read(ref lagging).Should().Be(2, "a reader that caught up and fell behind again is counted again");
    }

    [Fact]
    public async Task Summary_StatusNodesAndLastEventId_ComeFromOneSnapshot()
    {
        await using var host = TestEngine.Create();
        var execution = host.Engine.Start(new WorkflowBuilder("snap").AddNode("A", "noOp").AddNode("B", "noOp").Chain("A", "B").Build());
        (await execution.Completion.WaitAsync(s_patience, Ct)).Should().Be(ExecutionStatus.Success);

        var snapshot = execution.GetSnapshot();

        snapshot.Status.Should().Be(ExecutionStatus.Success);
        snapshot.Nodes.Should().OnlyContain(n => n.Status == NodeExecutionStatus.Success);
        snapshot.CompletedNodes.Should().Be(2);
        snapshot.LastSequence.Should().Be(6, "executionStarted, two before/after pairs, executionFinished");
        snapshot.FinishedAt.Should().Be(execution.FinishedAt);
        execution.GetSnapshot().Should().BeSameAs(snapshot, "nothing changed, so the same snapshot is returned");
    }

    private static void Publish(IExecutionEventWriter writer, long executionId, long from, long to)
    {
        for (var sequence = from; sequence <= to; sequence++)
        {
            writer.Append(executionId, sequence, ExecutionEventTypes.NodeExecutionProgress, """{"type":"nodeExecutionProgress","data":{}}"""u8);
        }
    }
}
