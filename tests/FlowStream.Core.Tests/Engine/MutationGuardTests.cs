using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Engine;

/// <summary>
/// Behaviour the Engine/Running mutation run (tests/README.md, "Mutation testing") showed untested in this project: the ETA's
/// arithmetic, an execution failed while paused or then canceled, and control reaching child executions.
/// </summary>
public class MutationGuardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EstimatedRemaining_IsTheMeanNodeTimeTimesTheNodesLeft_DividedByTheParallelismThatCanUseThem()
    {
        // Four 1,000 ms waits in a chain, one at a time: after the first, 3 × 1,000 are left.
        var chain = new WorkflowBuilder("eta").AddNode("A", "wait", """{"ms": 1000}""").AddNode("B", "wait", """{"ms": 1000}""")
            .AddNode("C", "wait", """{"ms": 1000}""").AddNode("D", "wait", """{"ms": 1000}""").Chain("A", "B", "C", "D").Build();
        await using var host = TestEngine.Create();
        var execution = host.Engine.Start(chain, new ExecutionRequest { MaxDegreeOfParallelism = 1 });
        var events = host.CollectAsync(execution.Id, cancellationToken: Ct);
        for (var i = 0; i < 4; i++)
        {
            await host.Timers.NextTimerAsync(t => t == TimeSpan.FromMilliseconds(1000), $"wait {i + 1} to start");
            host.Time.Advance(TimeSpan.FromMilliseconds(1000));
        }

        var all = await events.WithTimeout("the execution");
        all.After("A").GetProperty("estimatedRemainingMs").GetInt64().Should().Be(3000);
        all.After("B").GetProperty("estimatedRemainingMs").GetInt64().Should().Be(2000);
        all.After("C").GetProperty("estimatedRemainingMs").GetInt64().Should().Be(1000);
    }

    [Fact]
    public async Task EstimatedRemaining_WithParallelBranches_DividesByTheParallelism()
    {
        // Five independent 1,000 ms waits, parallelism 2: after the first two finish, 3 are left for 2 slots: 1,000 × 3 / 2.
        var builder = new WorkflowBuilder("fan");
        foreach (var name in new[] { "A", "B", "C", "D", "E" })
        {
            builder.AddNode(name, "wait", """{"ms": 1000}""");
        }

        await using var host = TestEngine.Create();
        var execution = host.Engine.Start(builder.Build(), new ExecutionRequest { MaxDegreeOfParallelism = 2 });
        var events = host.CollectAsync(execution.Id, cancellationToken: Ct);
        foreach (var (round, waits) in new[] { (1, 2), (2, 2), (3, 1) })
        {
            for (var i = 0; i < waits; i++)
            {
                await host.Timers.NextTimerAsync(t => t == TimeSpan.FromMilliseconds(1000), $"wait {i + 1} of round {round} to start");
            }

            host.Time.Advance(TimeSpan.FromMilliseconds(1000));
        }

        var all = await events.WithTimeout("the execution");
        var estimates = all.Where(e => e.Type == ExecutionEventTypes.NodeExecutionAfter).Select(e => e.Data.GetProperty("estimatedRemainingMs").GetInt64()).ToList();
        estimates[1].Should().Be(1500, "after two of five, three are left for two slots");
        estimates[^1].Should().Be(0);
    }

    [Fact]
    public async Task Fail_WhilePaused_FinishesWithTheError()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b => b.AddNode("gate", async (context, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return NodeResult.Success(context.Input);
        }));
        var flow = new WorkflowBuilder("p").AddNode("Gate", "gate").AddNode("After", "noOp").Chain("Gate", "After").Build();
        var execution = host.Engine.Start(flow);
        await host.Engine.SubscribeAsync(execution.Id, 0, Ct).FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionBefore, Ct).AsTask().WithTimeout("Gate to start");
        execution.Pause().Should().BeTrue();
        gate.SetResult();
        await host.Engine.SubscribeAsync(execution.Id, 0, Ct).FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionAfter, Ct).AsTask().WithTimeout("Gate to finish while paused");

        // Nothing runs and nothing will start: only the failure itself can move the execution to its end.
        execution.Fail("stopped by the host").Should().BeTrue();

        (await execution.Completion.WithTimeout("the paused execution to end")).Should().Be(ExecutionStatus.Error);
        execution.ErrorMessage.Should().Be("stopped by the host");
    }

    [Fact]
    public async Task Fail_ThenCancel_EndsInErrorNotCanceled()
    {
        await using var host = TestEngine.Create(b => b.AddNode("forever", async (context, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return NodeResult.Success(context.Input);
        }));
        var flow = new WorkflowBuilder("f").AddNode("Forever", "forever").AddNode("After", "noOp").Chain("Forever", "After").Build();
        var execution = host.Engine.Start(flow);
        await host.Engine.SubscribeAsync(execution.Id, 0, Ct).FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionBefore, Ct).AsTask().WithTimeout("the node to start");

        execution.Fail("budget exceeded").Should().BeTrue();
        execution.Cancel();

        (await execution.Completion.WithTimeout("the execution to end")).Should().Be(ExecutionStatus.Error, "the failure came first; a later cancel does not turn it into a cancellation");
        execution.ErrorMessage.Should().Be("budget exceeded");
    }

    [Fact]
    public async Task PauseResumeCancel_OfAParent_ReachItsRunningChild()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = new WorkflowBuilder("child").AddNode("In", "manualTrigger").AddNode("Gate", "gate").AddNode("Out", "noOp").Chain("In", "Gate", "Out").Build();
        var parent = new WorkflowBuilder("parent").AddNode("Start", "manualTrigger").AddNode("Run", "executeWorkflow", """{"workflowId":"child"}""").Chain("Start", "Run").Build();
        await using var host = TestEngine.Create(b =>
        {
            b.AddInMemoryWorkflowStore(child);
            b.AddNode("gate", async (context, ct) =>
            {
                await gate.Task.WaitAsync(ct);
                return NodeResult.Success(context.Input);
            });
        });
        var execution = host.Engine.Start(parent);
        var progress = await host.Engine.SubscribeAsync(execution.Id, 0, Ct).FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionProgress, Ct).AsTask().WithTimeout("the child to start");
        var childId = progress.Data.GetProperty("data").GetProperty("childExecutionId").GetInt64();
        host.Engine.TryGetExecution(childId, out var childExecution).Should().BeTrue();
        await host.Engine.SubscribeAsync(childId, 0, Ct).FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "Gate", Ct).AsTask().WithTimeout("the child's gate to start");

        execution.Pause().Should().BeTrue();
        childExecution!.Status.Should().Be(ExecutionStatus.Paused);
        execution.Resume().Should().BeTrue();
        childExecution.Status.Should().Be(ExecutionStatus.Running);
        execution.Cancel().Should().BeTrue();

        (await childExecution.Completion.WithTimeout("the child to end")).Should().Be(ExecutionStatus.Canceled);
        (await execution.Completion.WithTimeout("the parent to end")).Should().Be(ExecutionStatus.Canceled);
    }

    [Theory]
    [InlineData(0, "success")]
    [InlineData(1, "error")]
    public async Task NodeOutput_ExactlyAtTheLimitPasses_OneByteOverFails(int over, string expected)
    {
        const int Limit = 200;
        var text = new string('x', Limit - """{"s":""}""".Length + over);
        await using var host = TestEngine.Create(
            b => b.AddNode("sized", (context, ct) => ValueTask.FromResult(NodeResult.Success(System.Text.Json.JsonDocument.Parse($$"""{"s":"{{text}}"}""").RootElement))),
            o => o.MaxNodeOutputBytes = Limit);

        var events = await host.RunAsync(new WorkflowBuilder("o").AddNode("Sized", "sized").Build());

        events.StatusOf("Sized").Should().Be(expected);
        if (over > 0)
        {
            events.ErrorOf("Sized").Should().Contain($"takes {Limit + 1} bytes").And.Contain("MaxNodeOutputBytes");
        }
    }

    [Theory]
    [InlineData(0, "success")]
    [InlineData(1, "error")]
    public async Task TemplatedParameters_ExactlyAtTheLimitPass_OneByteOverFails(int over, string expected)
    {
        const int Limit = 300;
        var parametersWithoutValue = """{"values":{"v":""}}""".Length;
        var input = new string('y', Limit - parametersWithoutValue + over);
        await using var host = TestEngine.Create(configureOptions: o => o.MaxParametersBytesPerNode = Limit);

        var events = await host.RunAsync(
            new WorkflowBuilder("p").AddNode("Start", "manualTrigger").AddNode("Set", "set", """{"values":{"v":"{{ $input.text }}"}}""").Chain("Start", "Set").Build(),
            $$"""{"text":"{{input}}"}""");

        events.StatusOf("Set").Should().Be(expected);
        if (over > 0)
        {
            events.ErrorOf("Set").Should().Contain($"take {Limit + 1} bytes").And.Contain("MaxParametersBytesPerNode");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task NodeWithARetryPolicy_ThatSucceeds_IsNotTriedAgain(int succeedsOnAttempt)
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("flaky", (context, ct) => ValueTask.FromResult(
            Interlocked.Increment(ref calls) < succeedsOnAttempt ? NodeResult.Failure("not yet") : NodeResult.Success(context.Input))));
        var flow = new WorkflowBuilder("r")
            .AddNode(new NodeDefinition { Name = "F", Type = "flaky", Retry = new NodeRetryPolicy { MaxTries = 5, WaitMs = 0 } })
            .Build();

        var events = await host.RunAsync(flow).WithTimeout("the execution");

        calls.Should().Be(succeedsOnAttempt, "a success ends the attempts");
        events.Count(e => e.Type == ExecutionEventTypes.NodeExecutionRetry).Should().Be(succeedsOnAttempt - 1);
        events.StatusOf("F").Should().Be("success");
        events.After("F").GetProperty("attempt").GetInt32().Should().Be(succeedsOnAttempt);
    }

    [Fact]
    public async Task Progress_WithNoData_IsAnEmptyObject_AndProgressAfterTheNodeEnded_IsDropped()
    {
        NodeExecutionContext? kept = null;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b =>
        {
            b.AddNode("talk", (context, ct) =>
            {
                kept = context;
                context.ReportProgress(default);
                return ValueTask.FromResult(NodeResult.Success(context.Input));
            });
            b.AddNode("gate", async (context, ct) =>
            {
                // The first node has ended: its late progress must not be published.
                kept!.ReportProgress(System.Text.Json.JsonDocument.Parse("""{"late": true}""").RootElement);
                await gate.Task.WaitAsync(ct);
                return NodeResult.Success(context.Input);
            });
        });
        var execution = host.Engine.Start(new WorkflowBuilder("pr").AddNode("Talk", "talk").AddNode("Gate", "gate").Chain("Talk", "Gate").Build());
        await host.Engine.SubscribeAsync(execution.Id, 0, Ct).FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "Gate", Ct).AsTask().WithTimeout("Gate to start");
        gate.SetResult();
        await execution.Completion.WithTimeout("the execution");

        var progress = (await host.CollectAsync(execution.Id, cancellationToken: Ct).WithTimeout("the events")).Where(e => e.Type == ExecutionEventTypes.NodeExecutionProgress).ToList();
        progress.Should().ContainSingle("the late progress of a node that ended is dropped");
        progress[0].Data.GetProperty("data").GetRawText().Should().Be("{}");
    }

    [Fact]
    public async Task Pause_OfAParentWithTwoRunningChildren_PausesBoth()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var child = new WorkflowBuilder("child").AddNode("In", "manualTrigger").AddNode("Gate", "gate").Chain("In", "Gate").Build();
        var parent = new WorkflowBuilder("parent")
            .AddNode("Run1", "executeWorkflow", """{"workflowId":"child"}""")
            .AddNode("Run2", "executeWorkflow", """{"workflowId":"child"}""")
            .Build();
        await using var host = TestEngine.Create(b =>
        {
            b.AddInMemoryWorkflowStore(child);
            b.AddNode("gate", async (context, ct) =>
            {
                await gate.Task.WaitAsync(ct);
                return NodeResult.Success(context.Input);
            });
        });
        var execution = host.Engine.Start(parent, new ExecutionRequest { MaxDegreeOfParallelism = 2 });
        var childIds = new List<long>();
        await foreach (var e in host.Engine.SubscribeAsync(execution.Id, 0, Ct))
        {
            if (e.Type == ExecutionEventTypes.NodeExecutionProgress)
            {
                childIds.Add(e.Data.GetProperty("data").GetProperty("childExecutionId").GetInt64());
                if (childIds.Count == 2)
                {
                    break;
                }
            }
        }

        var children = childIds.Select(id => host.Engine.TryGetExecution(id, out var c) ? c : throw new InvalidOperationException("no child")).ToList();
        execution.Pause().Should().BeTrue();

        children.Should().OnlyContain(c => c.Status == ExecutionStatus.Paused, "both children run under the paused parent");
        execution.Cancel();
        foreach (var c in children)
        {
            (await c.Completion.WithTimeout("a child to end")).Should().Be(ExecutionStatus.Canceled);
        }
    }
}
