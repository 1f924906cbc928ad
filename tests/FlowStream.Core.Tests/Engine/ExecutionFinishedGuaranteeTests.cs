using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Engine;

/// <summary>executionFinished is always present and always last, whatever a handler or the host does.</summary>
public class ExecutionFinishedGuaranteeTests
{
    public static TheoryData<string> Misbehaviours => ["throwsSynchronously", "returnsFaulted", "faultsLater", "returnsNull", "throwsCanceled"];

    private static ValueTask<NodeResult> Misbehave(string how) => how switch
    {
        "throwsSynchronously" => throw new InvalidOperationException("sync throw"),
        "returnsFaulted" => ValueTask.FromException<NodeResult>(new InvalidOperationException("faulted task")),
        "faultsLater" => new ValueTask<NodeResult>(FaultLaterAsync()),
        "returnsNull" => new ValueTask<NodeResult>((NodeResult)null!),
        _ => throw new OperationCanceledException("handler's own cancellation"),
    };

    private static async Task<NodeResult> FaultLaterAsync()
    {
        await Task.Yield();
        throw new InvalidOperationException("async throw");
    }

    [Theory]
    [MemberData(nameof(Misbehaviours))]
    public async Task Handler_Misbehaves_NodeErrorsAndExecutionFinishedIsLast(string how)
    {
        await using var host = TestEngine.Create(b => b.AddNode("bad", (ctx, ct) => Misbehave(how)));
        var workflow = new WorkflowBuilder("bad").AddNode("Start", "manualTrigger").AddNode("Bad", "bad").AddNode("Never", "noOp").Chain("Start", "Bad", "Never").Build();

        var events = await host.Engine.RunWithEventsAsync(workflow, default, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        events.Count(e => e.Type == ExecutionEventTypes.ExecutionFinished).Should().Be(1);
        events[^1].Status().Should().Be("error");
        var after = events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter && e.NodeName() == "Bad");
        after.Status().Should().Be("error");
        after.ErrorMessage().Should().Be(how switch
        {
            "throwsSynchronously" => "sync throw",
            "returnsFaulted" => "faulted task",
            "faultsLater" => "async throw",
            "returnsNull" => "The handler of node type 'bad' returned no result.",
            _ => "handler's own cancellation",
        });
        events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "Never").Should().Be(-1);
        events.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, events.Count).Select(i => (long)i));
    }

    [Fact]
    public async Task HandlerIgnoresCancellation_CancelStillFinishesAndLateResultIsDiscarded()
    {
        var release = new TaskCompletionSource<NodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        NodeExecutionContext? context = null;
        await using var host = TestEngine.Create(b => b.AddNode("deaf", (ctx, ct) =>
        {
            context = ctx;
            return new ValueTask<NodeResult>(release.Task);
        }));
        var execution = host.Engine.Start(new WorkflowBuilder("deaf").AddNode("Deaf", "deaf").Build());
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "Deaf");

        execution.Cancel();
        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Canceled);

        // The handler answers late: its progress and result go nowhere.
        context!.ReportProgress(ExecutionEventTestExtensions.Json("""{"late": true}"""));
        release.SetResult(NodeResult.Success());
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        events.Should().NotContain(e => e.Type == ExecutionEventTypes.NodeExecutionProgress);
        execution.GetNodeStates()[0].Status.Should().Be(NodeExecutionStatus.Canceled);
    }

    [Fact]
    public async Task HostDisposesEngineMidRun_ExecutionFinishesCanceledWithExecutionFinishedLast()
    {
        var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("long").AddNode("Start", "manualTrigger").AddNode("Wait", "wait", """{"ms": 60000}""").AddNode("After", "noOp").Chain("Start", "Wait", "After").Build();
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "Wait");

        await host.DisposeAsync();

        execution.IsFinished.Should().BeTrue("disposing the engine waits for every execution to publish executionFinished");
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        events[^1].Status().Should().Be("canceled");
        events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "After").Should().Be(-1);
        var start = () => host.Engine.Start(workflow);
        start.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public async Task HostDisposesSynchronously_ExecutionStillFinished()
    {
        var host = TestEngine.Create();
        var execution = host.Engine.Start(new WorkflowBuilder("long").AddNode("Wait", "wait", """{"ms": 60000}""").Build());
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "Wait");

        host.Services.Dispose();

        execution.IsFinished.Should().BeTrue();
        (await recorder.Completion.WithTimeout("the execution's events up to executionFinished"))[^1].Status().Should().Be("canceled");
    }

    [Fact]
    public async Task RunWithEventsAsync_CallerCancels_ExecutionCanceledAndStreamStillEndsWithExecutionFinished()
    {
        await using var host = TestEngine.Create();
        using var cts = new CancellationTokenSource();
        var workflow = new WorkflowBuilder("long").AddNode("Start", "manualTrigger").AddNode("Wait", "wait", """{"ms": 60000}""").Chain("Start", "Wait").Build();
        var events = new List<ExecutionEvent>();
        await foreach (var e in host.Engine.RunWithEventsAsync(workflow, null, cts.Token))
        {
            events.Add(e);
            if (e.Type == ExecutionEventTypes.NodeExecutionBefore && e.NodeName() == "Wait")
            {
                await cts.CancelAsync();
            }
        }

        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        events[^1].Status().Should().Be("canceled");
    }

    [Fact]
    public async Task RunWithEventsAsync_CallerStopsReadingEarly_ExecutionIsCanceled()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("long").AddNode("Start", "manualTrigger").AddNode("Wait", "wait", """{"ms": 60000}""").Chain("Start", "Wait").Build();
        long id = 0;
        await foreach (var e in host.Engine.RunWithEventsAsync(workflow, null, TestContext.Current.CancellationToken))
        {
            id = e.ExecutionId;
            break;
        }

        host.Engine.TryGetExecution(id, out var execution).Should().BeTrue();
        (await execution!.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Canceled);
    }

    [Fact]
    public async Task RunWithEventsAsync_InvalidWorkflow_ThrowsBeforeAnyEventAndStartsNothing()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("bad").AddNode("A", "nope").Build();
        var run = async () => await host.Engine.RunWithEventsAsync(workflow, null, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        (await run.Should().ThrowAsync<WorkflowValidationException>()).Which.Problems.Should().ContainSingle(p => p.Code == WorkflowValidationCodes.UnknownNodeType);
        host.Engine.ListExecutions().Should().BeEmpty();
    }
}
