using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Engine;

public class SchedulerTests
{
    private static readonly TimeSpan Ms200 = TimeSpan.FromMilliseconds(200);

    private static WorkflowDefinition FanOut(int parallelism) => new WorkflowBuilder("fan", "Fan-out")
        .AddNode("Trigger", "manualTrigger")
        .AddNode("W1", "wait", """{"ms": 200}""")
        .AddNode("W2", "wait", """{"ms": 200}""")
        .AddNode("W3", "wait", """{"ms": 200}""")
        .AddNode("W4", "wait", """{"ms": 200}""")
        .AddNode("Final", "noOp")
        .Connect("Trigger", "W1").Connect("Trigger", "W2").Connect("Trigger", "W3").Connect("Trigger", "W4")
        .Connect("W1", "Final").Connect("W2", "Final").Connect("W3", "Final").Connect("W4", "Final")
        .WithMaxDegreeOfParallelism(parallelism)
        .Build();

    [Fact]
    public async Task Start_FanOutWithParallelism4_WaitsOverlap()
    {
        await using var host = TestEngine.Create();
        var timers = host.Timers.TimersCreated;
        var execution = host.Engine.Start(FanOut(4));
        var recorder = EventRecorder.Start(host.Engine, execution.Id);

        // All four waits are pending at once: one advance of 200 ms releases them together.
        await host.AdvanceWhenTimersAsync(timers, 4, Ms200);
        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);

        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        var lastBefore = new[] { "W1", "W2", "W3", "W4" }.Max(n => events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, n));
        var firstAfter = new[] { "W1", "W2", "W3", "W4" }.Min(n => events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, n));
        lastBefore.Should().BeLessThan(firstAfter, "all four waits run at the same time");
        events[^1].Data.GetProperty("executionTimeMs").GetInt64().Should().Be(200);
        events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "Final").Should().BeGreaterThan(events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, "W4"));
    }

    [Fact]
    public async Task Start_FanOutWithParallelism1_WaitsRunOneAfterAnotherInDefinitionOrder()
    {
        await using var host = TestEngine.Create();
        var timers = host.Timers.TimersCreated;
        var execution = host.Engine.Start(FanOut(1));
        var recorder = EventRecorder.Start(host.Engine, execution.Id);

        for (var i = 0; i < 4; i++)
        {
            await host.AdvanceWhenTimersAsync(timers + i, 1, Ms200);
        }

        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionBefore).Select(e => e.NodeName())
            .Should().Equal("Trigger", "W1", "W2", "W3", "W4", "Final");
        for (var i = 1; i < 4; i++)
        {
            events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, $"W{i + 1}")
                .Should().BeGreaterThan(events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, $"W{i}"));
        }

        events[^1].Data.GetProperty("executionTimeMs").GetInt64().Should().Be(800);
    }

    [Fact]
    public async Task Start_Parallelism1_RunsTopologicallyWithTiesInDefinitionOrder()
    {
        await using var host = TestEngine.Create();

        // Defined out of topological order: C depends on B, which is defined after it.
        var workflow = new WorkflowBuilder("order")
            .AddNode("C", "noOp").AddNode("A", "manualTrigger").AddNode("B", "noOp").AddNode("D", "noOp")
            .Connect("A", "B").Connect("B", "C").Connect("A", "D")
            .Build();
        var events = await host.Engine.RunWithEventsAsync(workflow, default, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionBefore).Select(e => e.NodeName())
            .Should().Equal("A", "B", "C", "D");
    }

    [Fact]
    public async Task Retry_HandlerFailsTwiceThenSucceeds_AnnouncesTwoRetriesAndSucceedsOnAttempt3()
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("flaky", (ctx, ct) =>
            ++calls < 3 ? throw new InvalidOperationException($"boom {calls}") : ValueTask.FromResult(NodeResult.Success())));
        var workflow = new WorkflowBuilder("retry")
            .AddNode(new NodeDefinition { Name = "Flaky", Type = "flaky", Retry = new NodeRetryPolicy { MaxTries = 3, WaitMs = 1000, BackoffMultiplier = 2 } })
            .Build();
        var timers = host.Timers.TimersCreated;
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await host.AdvanceWhenTimersAsync(timers, 1, TimeSpan.FromMilliseconds(1000));
        await host.AdvanceWhenTimersAsync(timers + 1, 1, TimeSpan.FromMilliseconds(2000));

        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        var retries = events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionRetry).ToList();
        retries.Select(e => e.Data.GetProperty("attempt").GetInt32()).Should().Equal(1, 2);
        retries.Select(e => e.Data.GetProperty("waitMs").GetInt64()).Should().Equal(1000, 2000);
        retries.Select(e => e.ErrorMessage()).Should().Equal("boom 1", "boom 2");
        var after = events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter);
        after.Status().Should().Be("success");
        after.Data.GetProperty("attempt").GetInt32().Should().Be(3);
        events.Count(e => e.Type == ExecutionEventTypes.NodeExecutionBefore).Should().Be(1);
        execution.GetNodeStates()[0].Attempts.Should().Be(3);
    }

    [Fact]
    public async Task Retry_MaxTries2AndHandlerFailsTwice_NodeFailsAndExecutionEndsError()
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("flaky", (ctx, ct) =>
            ValueTask.FromResult(++calls < 3 ? NodeResult.Failure($"nope {calls}") : NodeResult.Success())));
        var workflow = new WorkflowBuilder("retry")
            .AddNode(new NodeDefinition { Name = "Flaky", Type = "flaky", Retry = new NodeRetryPolicy { MaxTries = 2 } })
            .AddNode("After", "noOp")
            .Chain("Flaky", "After")
            .Build();

        var events = await host.Engine.RunWithEventsAsync(workflow, default, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        events.Count(e => e.Type == ExecutionEventTypes.NodeExecutionRetry).Should().Be(1);
        var after = events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter);
        after.Status().Should().Be("error");
        after.ErrorMessage().Should().Be("nope 2");
        events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "After").Should().Be(-1);
        events[^1].Status().Should().Be("error");
        events[^1].Data.GetProperty("error").GetProperty("nodeName").GetString().Should().Be("Flaky");
        calls.Should().Be(2);
    }

    [Fact]
    public async Task Timeout_HandlerObservesToken_NodeTimesOutWithDocumentedMessage()
    {
        await using var host = TestEngine.Create(b => b.AddNode("slow", async (ctx, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return NodeResult.Success();
        }));
        await AssertTimesOut(host);
    }

    [Fact]
    public async Task Timeout_HandlerIgnoresToken_NodeStillTimesOutAndExecutionFinishes()
    {
        var never = new TaskCompletionSource<NodeResult>();
        await using var host = TestEngine.Create(b => b.AddNode("slow", (ctx, ct) => new ValueTask<NodeResult>(never.Task)));
        await AssertTimesOut(host);
    }

    private static async Task AssertTimesOut(TestEngine host)
    {
        var workflow = new WorkflowBuilder("timeout")
            .AddNode(new NodeDefinition { Name = "Slow", Type = "slow", TimeoutMs = 500 })
            .AddNode("Next", "noOp")
            .Chain("Slow", "Next")
            .Build();
        var timers = host.Timers.TimersCreated;
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await host.AdvanceWhenTimersAsync(timers, 1, TimeSpan.FromMilliseconds(499));
        execution.IsFinished.Should().BeFalse("the timeout has not elapsed yet");
        host.Time.Advance(TimeSpan.FromMilliseconds(1));

        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Error);
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        var after = events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter);
        after.Status().Should().Be("error");
        after.ErrorMessage().Should().Be("Node 'Slow' timed out after 500 ms");
        events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "Next").Should().Be(-1);
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        execution.GetNodeStates().Select(s => s.Status).Should().Equal(NodeExecutionStatus.Error, NodeExecutionStatus.Skipped);
    }

    [Fact]
    public async Task Timeout_TimedOutAttemptIsRetried()
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("slowOnce", async (ctx, ct) =>
        {
            if (++calls == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }

            return NodeResult.Success();
        }));
        var workflow = new WorkflowBuilder("timeout-retry")
            .AddNode(new NodeDefinition { Name = "Slow", Type = "slowOnce", TimeoutMs = 50, Retry = new NodeRetryPolicy { MaxTries = 2 } })
            .Build();
        var timers = host.Timers.TimersCreated;
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await host.AdvanceWhenTimersAsync(timers, 1, TimeSpan.FromMilliseconds(50));

        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionRetry).ErrorMessage().Should().Be("Node 'Slow' timed out after 50 ms");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancel_MidExecution_RunningNodeSeesTokenNothingNewStartsAndStatusCanceled(bool handlerIgnoresToken)
    {
        var tokenSeen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<NodeResult>();
        await using var host = TestEngine.Create(b => b.AddNode("block", async (ctx, ct) =>
        {
            ct.Register(() => tokenSeen.TrySetResult(true));
            return handlerIgnoresToken ? await never.Task : await Task.Delay(Timeout.InfiniteTimeSpan, ct).ContinueWith(_ => NodeResult.Success(), TaskScheduler.Default);
        }));
        var workflow = new WorkflowBuilder("cancel")
            .AddNode("Start", "manualTrigger")
            .AddNode("Block", "block")
            .AddNode("Later", "noOp")
            .Chain("Start", "Block", "Later")
            .Build();
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "Block");

        execution.Cancel().Should().BeTrue();

        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Canceled);
        (await tokenSeen.Task).Should().BeTrue();
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        var after = events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter && e.NodeName() == "Block");
        after.Status().Should().Be("canceled");
        events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "Later").Should().Be(-1);
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        events[^1].Status().Should().Be("canceled");
        execution.Status.Should().Be(ExecutionStatus.Canceled);
        execution.GetNodeStates().Select(s => s.Status).Should().Equal(NodeExecutionStatus.Success, NodeExecutionStatus.Canceled, NodeExecutionStatus.Skipped);
        execution.Cancel().Should().BeFalse("a finished execution cannot be canceled");
    }

    [Fact]
    public async Task Cancel_DuringRetryWait_EndsCanceledWithoutAnotherAttempt()
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("fail", (ctx, ct) => ValueTask.FromResult(NodeResult.Failure($"fail {++calls}"))));
        var workflow = new WorkflowBuilder("cancel-retry")
            .AddNode(new NodeDefinition { Name = "F", Type = "fail", Retry = new NodeRetryPolicy { MaxTries = 5, WaitMs = 10_000 } })
            .Build();
        var timers = host.Timers.TimersCreated;
        var execution = host.Engine.Start(workflow);
        await host.Timers.WaitForTimersAsync(timers + 1, TestContext.Current.CancellationToken);
        execution.Cancel();
        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Canceled);
        calls.Should().Be(1);
    }

    [Fact]
    public async Task PauseResume_NoNodeStartsWhilePaused_ThenTheRestRuns()
    {
        var gate = new TaskCompletionSource<NodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b => b.AddNode("gate", (ctx, ct) => new ValueTask<NodeResult>(gate.Task)));
        var workflow = new WorkflowBuilder("pause")
            .AddNode("Start", "manualTrigger").AddNode("Gate", "gate").AddNode("Later", "noOp")
            .Chain("Start", "Gate", "Later")
            .Build();
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "Gate");

        execution.Pause().Should().BeTrue();
        execution.Status.Should().Be(ExecutionStatus.Paused);
        gate.SetResult(NodeResult.Success());

        // The running node finishes; the execution then idles, paused, with 'Later' ready but not started.
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionAfter, "Gate");
        execution.GetNodeStates().Select(s => s.Status).Should().Equal(NodeExecutionStatus.Success, NodeExecutionStatus.Success, NodeExecutionStatus.Pending);
        recorder.Snapshot().IndexOf(ExecutionEventTypes.NodeExecutionBefore, "Later").Should().Be(-1);

        execution.Resume().Should().BeTrue();
        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        var paused = events.IndexOf(ExecutionEventTypes.ExecutionPaused);
        var resumed = events.IndexOf(ExecutionEventTypes.ExecutionResumed);
        paused.Should().BeGreaterThan(events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "Gate"));
        resumed.Should().BeGreaterThan(events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, "Gate"));
        events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "Later").Should().BeGreaterThan(resumed);
        events[paused].ToString().Should().Be($$$"""{"type":"executionPaused","data":{"executionId":{{{execution.Id}}}}}""");
        execution.Pause().Should().BeFalse("a finished execution cannot be paused");
        execution.Resume().Should().BeFalse();
    }

    [Fact]
    public async Task Cancel_WhilePaused_FinishesCanceled()
    {
        var gate = new TaskCompletionSource<NodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b => b.AddNode("gate", (ctx, ct) => new ValueTask<NodeResult>(gate.Task)));
        var workflow = new WorkflowBuilder("pause-cancel").AddNode("Gate", "gate").AddNode("Later", "noOp").Chain("Gate", "Later").Build();
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "Gate");
        execution.Pause();
        gate.SetResult(NodeResult.Success());
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionAfter, "Gate");
        execution.Cancel().Should().BeTrue();
        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Canceled);
        execution.GetNodeStates()[1].Status.Should().Be(NodeExecutionStatus.Skipped);
    }

    [Fact]
    public async Task ContinueOnFail_ErrorBecomesOutputAndGraphGoesOn()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("continue")
            .AddNode("Start", "manualTrigger")
            .AddNode(new NodeDefinition { Name = "Fail", Type = "stopAndError", Parameters = ExecutionEventTestExtensions.Json("""{"message": "bad input"}"""), ContinueOnFail = true })
            .AddNode("Next", "set", """{"values": {"seen": "{{ $json.error.message }}"}}""")
            .Chain("Start", "Fail", "Next")
            .Build();

        var events = await host.Engine.RunWithEventsAsync(workflow, default, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var failed = events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter && e.NodeName() == "Fail");
        failed.Status().Should().Be("error");
        failed.ErrorMessage().Should().Be("bad input");
        failed.Data.GetProperty("continuedOnFail").GetBoolean().Should().BeTrue();
        failed.Data.GetProperty("data").GetRawText().Should().Be("""{"error":{"message":"bad input"}}""");
        var next = events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter && e.NodeName() == "Next");
        next.Status().Should().Be("success");
        next.Data.GetProperty("data").GetProperty("seen").GetString().Should().Be("bad input");
        events[^1].Status().Should().Be("success");
    }

    [Fact]
    public async Task Disabled_NodePassesInputThroughWithoutRunning()
    {
        var ran = false;
        await using var host = TestEngine.Create(b => b.AddNode("spy", (ctx, ct) =>
        {
            ran = true;
            return ValueTask.FromResult(NodeResult.Success());
        }));
        var workflow = new WorkflowBuilder("disabled")
            .AddNode("Start", "manualTrigger")
            .AddNode(new NodeDefinition { Name = "Off", Type = "spy", Disabled = true })
            .AddNode("End", "noOp")
            .Chain("Start", "Off", "End")
            .Build();

        var events = await host.Engine.RunWithEventsAsync(workflow, ExecutionEventTestExtensions.Json("""{"x": 1}"""), TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        ran.Should().BeFalse();
        var off = events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter && e.NodeName() == "Off");
        off.Status().Should().Be("skipped");
        off.Data.GetProperty("data").GetRawText().Should().Be("""{"x":1}""");
        events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter && e.NodeName() == "End").Data.GetProperty("data").GetRawText().Should().Be("""{"x":1}""");
        events[^1].Status().Should().Be("success");
    }

    [Fact]
    public async Task Failure_RunningSiblingFinishesButNothingNewStarts()
    {
        var gate = new TaskCompletionSource<NodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b => b.AddNode("gate", (ctx, ct) => new ValueTask<NodeResult>(gate.Task)));
        var workflow = new WorkflowBuilder("siblings")
            .AddNode("Start", "manualTrigger")
            .AddNode("Slow", "gate")
            .AddNode("Fail", "stopAndError", """{"message": "stop"}""")
            .AddNode("NotYet", "noOp")
            .Connect("Start", "Slow").Connect("Start", "Fail").Connect("Start", "NotYet")
            .WithMaxDegreeOfParallelism(2)
            .Build();
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionAfter, "Fail");
        execution.IsFinished.Should().BeFalse("the running sibling is allowed to finish");
        gate.SetResult(NodeResult.Success(ExecutionEventTestExtensions.Json("""{"done": true}""")));

        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Error);
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter && e.NodeName() == "Slow").Status().Should().Be("success");
        events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, "NotYet").Should().Be(-1);
        events[^1].Status().Should().Be("error");
        execution.ErrorMessage.Should().Be("stop");
        execution.GetNodeStates().Single(s => s.Name == "NotYet").Status.Should().Be(NodeExecutionStatus.Skipped);
    }

    [Fact]
    public async Task Progress_HandlerReportsPartialOutput_PublishedBetweenBeforeAndAfter()
    {
        await using var host = TestEngine.Create(b => b.AddNode("stream", (ctx, ct) =>
        {
            ctx.ReportProgress(ExecutionEventTestExtensions.Json("""{"delta": "Hel"}"""));
            ctx.ReportProgress(ExecutionEventTestExtensions.Json("""{"delta": "lo"}"""));
            return ValueTask.FromResult(NodeResult.Success());
        }));
        var workflow = new WorkflowBuilder("progress").AddNode("Talk", "stream").Build();

        var events = await host.Engine.RunWithEventsAsync(workflow, default, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        events.Select(e => e.Type).Should().Equal(
            ExecutionEventTypes.ExecutionStarted, ExecutionEventTypes.NodeExecutionBefore, ExecutionEventTypes.NodeExecutionProgress,
            ExecutionEventTypes.NodeExecutionProgress, ExecutionEventTypes.NodeExecutionAfter, ExecutionEventTypes.ExecutionFinished);
        events[2].ToString().Should().Be("""{"type":"nodeExecutionProgress","data":{"executionId":""" + events[0].ExecutionId + ""","nodeName":"Talk","data":{"delta":"Hel"}}}""");
    }

    [Fact]
    public async Task Context_GivesPredecessorOutputsNodeOutputsInputDataAndScopedServices()
    {
        NodeExecutionContext? seen = null;
        IReadOnlyDictionary<string, System.Text.Json.JsonElement>? predecessors = null;
        await using var host = TestEngine.Create(b => b.AddNode("probe", (ctx, ct) =>
        {
            seen = ctx;
            predecessors = ctx.PredecessorOutputs;
            return ValueTask.FromResult(NodeResult.Success(ctx.Input));
        }));
        var workflow = new WorkflowBuilder("ctx")
            .AddNode("Start", "manualTrigger")
            .AddNode("A", "set", """{"values": {"a": 1, "shared": "a"}}""")
            .AddNode("B", "set", """{"values": {"b": 2, "shared": "b"}}""")
            .AddNode("Probe", "probe", """{"fromA": "{{ $node['A'].a }}", "text": "a={{ $node.A.a }}"}""")
            .Connect("Start", "A").Connect("Start", "B").Connect("A", "Probe").Connect("B", "Probe")
            .Build();

        var execution = host.Engine.Start(workflow, new ExecutionRequest { InputData = ExecutionEventTestExtensions.Json("""{"user": "u1"}"""), Mode = "test", OwnerId = "alice" });
        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);

        seen.Should().NotBeNull();
        seen!.ExecutionId.Should().Be(execution.Id);
        seen.Node.Name.Should().Be("Probe");
        seen.Attempt.Should().Be(1);
        seen.Parameters.GetRawText().Should().Be("""{"fromA":1,"text":"a=1"}""");
        seen.Input.GetRawText().Should().Be("""{"user":"u1","a":1,"shared":"b","b":2}""");
        predecessors!.Keys.Should().BeEquivalentTo("A", "B");
        seen.TryGetNodeOutput("Start", out var start).Should().BeTrue();
        start.GetProperty("user").GetString().Should().Be("u1");
        seen.TryGetNodeOutput("Nope", out _).Should().BeFalse();
        seen.InputData.GetProperty("user").GetString().Should().Be("u1");
        seen.Services.Should().NotBeNull();
        seen.Logger.Should().NotBeNull();
        execution.Mode.Should().Be("test");
        execution.OwnerId.Should().Be("alice");
    }
}
