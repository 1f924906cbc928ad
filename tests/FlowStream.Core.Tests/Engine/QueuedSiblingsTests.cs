using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Engine;

/// <summary>
/// Cancel and pause with siblings waiting in the queue: A → B, C, D under parallelism 1, so while B runs C and D are ready but
/// queued. (A chain cannot show this: its successor could not start anyway.) Checked through the public events only.
/// </summary>
public class QueuedSiblingsTests
{
    private static WorkflowDefinition FanOut() => new WorkflowBuilder("siblings")
        .AddNode("A", "manualTrigger").AddNode("B", "gate").AddNode("C", "probe").AddNode("D", "probe")
        .Connect("A", "B").Connect("A", "C").Connect("A", "D")
        .WithMaxDegreeOfParallelism(1)
        .Build();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancel_WhileBRunsWithCAndDQueued_CAndDNeverStart(bool handlerIgnoresToken)
    {
        var gate = new TaskCompletionSource<NodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var probes = 0;
        await using var host = TestEngine.Create(b => b
            .AddNode("gate", async (ctx, ct) => handlerIgnoresToken ? await gate.Task : await gate.Task.WaitAsync(ct))
            .AddNode("probe", (ctx, ct) =>
            {
                Interlocked.Increment(ref probes);
                return ValueTask.FromResult(NodeResult.Success());
            }));
        var execution = host.Engine.Start(FanOut());
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "B").WithTimeout("B to start");

        execution.Cancel().Should().BeTrue();

        (await execution.Completion.WithTimeout("the canceled execution to finish")).Should().Be(ExecutionStatus.Canceled);
        gate.TrySetResult(NodeResult.Success());
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionBefore).Select(e => e.NodeName()).Should().Equal(["A", "B"], "C and D were only queued when the cancel came");
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        events[^1].Status().Should().Be("canceled");
        probes.Should().Be(0);
        execution.GetNodeStates().Select(s => s.Status).Should().Equal(NodeExecutionStatus.Success, NodeExecutionStatus.Canceled, NodeExecutionStatus.Skipped, NodeExecutionStatus.Skipped);
    }

    [Fact]
    public async Task Pause_WhileBRunsWithCAndDQueued_CAndDStartOnlyAfterResume()
    {
        var gate = new TaskCompletionSource<NodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var startedWhilePaused = new List<string>();
        WorkflowExecution? execution = null;
        await using var host = TestEngine.Create(b => b
            .AddNode("gate", (ctx, ct) => new ValueTask<NodeResult>(gate.Task))
            .AddNode("probe", (ctx, ct) =>
            {
                if (execution!.Status == ExecutionStatus.Paused)
                {
                    lock (startedWhilePaused)
                    {
                        startedWhilePaused.Add(ctx.Node.Name);
                    }
                }

                return ValueTask.FromResult(NodeResult.Success());
            }));
        execution = host.Engine.Start(FanOut());
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "B").WithTimeout("B to start");

        execution.Pause().Should().BeTrue();
        gate.SetResult(NodeResult.Success());
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionAfter, "B").WithTimeout("B to finish while paused");

        // B's end hands C and D to the scheduler at once. Nothing public says "idle and paused", so give a wrong scheduler a
        // moment to start them (it would within microseconds); a right one never does, so this cannot fail a correct engine.
        await Task.Delay(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);
        recorder.Snapshot().Where(e => e.Type == ExecutionEventTypes.NodeExecutionBefore).Select(e => e.NodeName()).Should().Equal(["A", "B"], "nothing starts while paused");
        execution.Status.Should().Be(ExecutionStatus.Paused);

        execution.Resume().Should().BeTrue();
        (await execution.Completion.WithTimeout("the resumed execution to finish")).Should().Be(ExecutionStatus.Success);
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        var resumed = events.IndexOf(ExecutionEventTypes.ExecutionResumed);
        resumed.Should().BeGreaterThan(events.IndexOf(ExecutionEventTypes.ExecutionPaused));
        events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "C").Should().BeGreaterThan(resumed, "C was queued while paused");
        events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "D").Should().BeGreaterThan(events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, "C"), "parallelism 1");
        startedWhilePaused.Should().BeEmpty();
    }

    [Fact]
    public async Task PauseThenCancel_WhileBRunsWithCAndDQueued_CAndDNeverStart()
    {
        var gate = new TaskCompletionSource<NodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b => b
            .AddNode("gate", (ctx, ct) => new ValueTask<NodeResult>(gate.Task))
            .AddNode("probe", (ctx, ct) => ValueTask.FromResult(NodeResult.Success())));
        var execution = host.Engine.Start(FanOut());
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "B").WithTimeout("B to start");

        execution.Pause().Should().BeTrue();
        gate.SetResult(NodeResult.Success());
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionAfter, "B").WithTimeout("B to finish while paused");
        execution.Cancel().Should().BeTrue();

        (await execution.Completion.WithTimeout("the canceled execution to finish")).Should().Be(ExecutionStatus.Canceled);
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionBefore).Select(e => e.NodeName()).Should().Equal(["A", "B"]);
        events[^1].Status().Should().Be("canceled");
        execution.GetNodeStates().Select(s => s.Status).Should().Equal(NodeExecutionStatus.Success, NodeExecutionStatus.Success, NodeExecutionStatus.Skipped, NodeExecutionStatus.Skipped);
    }
}
