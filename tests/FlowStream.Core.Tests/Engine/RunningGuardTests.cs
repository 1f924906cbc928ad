using System.Text.Json;
using FlowStream.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Tests.Engine;

/// <summary>
/// The second round against the Engine/Running mutation survivors (tests/README.md, "Mutation testing"): which nodes count as
/// passed when a cancel comes late, which inputs a multi-input node merges, the handler cache, the execution's byte budget,
/// and which failures a retry policy does not repeat.
/// </summary>
public class RunningGuardTests
{
    private const string OverHundred = """{"conditions":[{"left":"{{ $json.total }}","operator":"gt","right":100}]}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ACancel_AsTheLastNodeSucceeds_EndsInSuccess_SkippedBranchesCountingAsPassed()
    {
        var canceled = false;
        await using var host = TestEngine.Create(b => b.AddNode("cancelSelf", (context, _) =>
        {
            // The cancel lands while the last node completes (synchronously, so the engine takes its success): every node passed.
            var self = Self(context);
            canceled = self!.Cancel();
            return ValueTask.FromResult(NodeResult.Success(context.Input));
        }));
        var flow = new WorkflowBuilder("late-cancel")
            .AddNode("Start", "manualTrigger")
            .AddNode("If", "if", OverHundred)
            .AddNode("Work", "cancelSelf")
            .AddNode("Skipped", "noOp")
            .Connect("Start", "If")
            .Connect("If", "Work", NodeOutputs.True)
            .Connect("If", "Skipped", NodeOutputs.False)
            .Build();

        var execution = host.Engine.Start(flow, new ExecutionRequest { InputData = ExecutionEventTestExtensions.Json("""{"total":150}""") });

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Success, "every node had passed (Skipped on the branch not taken) when it ended");
        canceled.Should().BeTrue("the cancel was accepted");
        var all = await host.CollectAsync(execution.Id, cancellationToken: Ct).WithTimeout("the events");
        all.StatusOf("Skipped").Should().Be("skipped");
        all.After("Skipped").TryGetProperty("continuedOnFail", out _).Should().BeFalse("a skipped node did not fail");
        all.StatusOf("Work").Should().Be("success");
        all.FinishedStatus().Should().Be("success");
    }

    [Fact]
    public async Task ACancel_AsANodeSucceeds_WithNodesLeft_EndsCanceled()
    {
        await using var host = TestEngine.Create(b => b.AddNode("cancelSelf", (context, _) =>
        {
            var self = Self(context);
            self!.Cancel();
            return ValueTask.FromResult(NodeResult.Success(context.Input));
        }));
        var flow = new WorkflowBuilder("cancel").AddNode("Work", "cancelSelf").AddNode("Next", "noOp").Chain("Work", "Next").Build();

        var execution = host.Engine.Start(flow);

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Canceled);
        var all = await host.CollectAsync(execution.Id, cancellationToken: Ct).WithTimeout("the events");
        all.StatusOf("Work").Should().Be("success");
        all.Should().NotContain(e => e.Is(ExecutionEventTypes.NodeExecutionBefore, "Next"));
    }

    [Fact]
    public async Task ACancel_AfterANodeFailed_WhileASiblingRuns_EndsCanceled_WithoutAnError()
    {
        var holdStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b =>
        {
            b.AddNode("hold", async (context, _) =>
            {
                holdStarted.SetResult();
                await release.Task;
                return NodeResult.Success(context.Input);
            });
            b.AddNode("fail", async (_, _) =>
            {
                await holdStarted.Task;
                return NodeResult.Failure("broke");
            });
        });
        var flow = new WorkflowBuilder("fail-then-cancel").AddNode("Hold", "hold").AddNode("Fail", "fail").Build();
        var execution = host.Engine.Start(flow, new ExecutionRequest { MaxDegreeOfParallelism = 2 });
        var events = host.CollectAsync(execution.Id, cancellationToken: Ct);
        await host.Engine.SubscribeAsync(execution.Id, 0, Ct).FirstAsync(e => e.Is(ExecutionEventTypes.NodeExecutionAfter, "Fail"), Ct).AsTask().WithTimeout("Fail to fail");

        execution.Cancel().Should().BeTrue();
        release.SetResult();

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Canceled);
        var finished = (await events.WithTimeout("the events"))[^1];
        finished.Data.GetProperty("status").GetString().Should().Be("canceled");
        finished.Data.TryGetProperty("error", out _).Should().BeFalse("a canceled execution carries no error, not even that of a node that failed before the cancel");
        execution.ErrorMessage.Should().BeNull();
        execution.GetSnapshot().FailedNodeName.Should().BeNull();
    }

    [Fact]
    public async Task AMultiInputNode_MergesOnlyWhatArrived_NotTheOutputOfANodeThatLeftByAnotherOutput()
    {
        JsonElement input = default;
        IReadOnlyDictionary<string, JsonElement>? predecessors = null;
        await using var host = TestEngine.Create(b =>
        {
            b.AddNode("a", (_, _) => ValueTask.FromResult(NodeResult.Success(ExecutionEventTestExtensions.Json("""{"a":1}"""))));
            b.AddNode("probe", (context, _) =>
            {
                input = context.Input.Clone();
                predecessors = context.PredecessorOutputs;
                return ValueTask.FromResult(NodeResult.Success(context.Input));
            });
        });
        var flow = new WorkflowBuilder("arrived")
            .AddNode("Start", "manualTrigger")
            .AddNode("If", "if", OverHundred)
            .Connect("Start", "If")
            .AddNode("A", "a")
            .AddNode("Probe", "probe")
            .Connect("If", "Probe", NodeOutputs.True)
            .Connect("A", "Probe")
            .Build();

        var execution = host.Engine.Start(flow, new ExecutionRequest { InputData = ExecutionEventTestExtensions.Json("""{"total":1}""") });

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Success);
        input.GetRawText().Should().Be("""{"a":1}""", "If left by 'false', so its connection to Probe carried nothing");
        predecessors!.Keys.Should().Equal("A");
    }

    [Fact]
    public async Task AHandlerRegisteredTransient_IsCreatedOncePerExecution()
    {
        CountingHandler.Reset();
        await using var host = TestEngine.Create(
            b => b.AddNode<CountingHandler>("count"),
            configureServices: s => s.AddTransient<CountingHandler>());
        var flow = new WorkflowBuilder("cached").AddNode("A", "count").AddNode("B", "count").AddNode("C", "count").Chain("A", "B", "C").Build();

        (await host.Engine.Start(flow).Completion.WithTimeout("the first execution")).Should().Be(ExecutionStatus.Success);
        CountingHandler.Created.Should().Be(1, "the three nodes of one execution share its handler");
        (await host.Engine.Start(flow).Completion.WithTimeout("the second execution")).Should().Be(ExecutionStatus.Success);
        CountingHandler.Created.Should().Be(2);
    }

    [Fact]
    public async Task ScopedServices_AreOnePerExecution_SharedByItsNodes()
    {
        var seen = new List<(long Execution, ScopedThing Thing)>();
        await using var host = TestEngine.Create(
            b => b.AddNode("take", (context, _) =>
            {
                lock (seen)
                {
                    seen.Add((context.ExecutionId, context.Services.GetRequiredService<ScopedThing>()));
                }

                return ValueTask.FromResult(NodeResult.Success(context.Input));
            }),
            configureServices: s => s.AddScoped<ScopedThing>());
        var flow = new WorkflowBuilder("scoped").AddNode("A", "take").AddNode("B", "take").Chain("A", "B").Build();

        await host.Engine.Start(flow).Completion.WithTimeout("the first execution");
        await host.Engine.Start(flow).Completion.WithTimeout("the second execution");

        seen.Should().HaveCount(4);
        seen[0].Thing.Should().BeSameAs(seen[1].Thing);
        seen[2].Thing.Should().BeSameAs(seen[3].Thing);
        seen[0].Thing.Should().NotBeSameAs(seen[2].Thing);
        seen[0].Thing.Disposed.Should().BeTrue("the execution's scope is disposed when it ends");
    }

    [Fact]
    public async Task AnExecutionOverItsByteBudget_FailsWithAMessageNamingTheOption()
    {
        var big = new string('x', 4_000);
        await using var host = TestEngine.Create(
            b => b.AddNode("big", (_, _) => ValueTask.FromResult(NodeResult.Success(ExecutionEventTestExtensions.Json($$"""{"text":"{{big}}"}""")))),
            o => o.MaxExecutionBytes = 6_000);
        var flow = new WorkflowBuilder("budget").AddNode("A", "big").AddNode("B", "big").AddNode("C", "big").Chain("A", "B", "C").Build();

        var execution = host.Engine.Start(flow);

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Error);
        execution.ErrorMessage.Should().Be("The execution produced more than 6000 bytes of events and outputs (FlowStreamOptions.MaxExecutionBytes).");
        var events = await host.CollectAsync(execution.Id, cancellationToken: Ct).WithTimeout("the events");
        events.Count(e => e.Type == ExecutionEventTypes.NodeExecutionBefore).Should().BeLessThan(3, "nothing starts once the budget is spent");
    }

    [Fact]
    public async Task AnExecutionWithinItsByteBudget_Succeeds()
    {
        var big = new string('x', 4_000);
        await using var host = TestEngine.Create(
            b => b.AddNode("big", (_, _) => ValueTask.FromResult(NodeResult.Success(ExecutionEventTestExtensions.Json($$"""{"text":"{{big}}"}""")))),
            o => o.MaxExecutionBytes = 40_000);
        var flow = new WorkflowBuilder("budget").AddNode("A", "big").AddNode("B", "big").AddNode("C", "big").Chain("A", "B", "C").Build();

        (await host.Engine.Start(flow).Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Success);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ATemplateError_IsNotRetried_AndTheHandlerNeverRuns(bool withTimeout)
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("count", (context, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(NodeResult.Success(context.Input));
        }));
        var flow = new WorkflowBuilder("template")
            .AddNode(new NodeDefinition
            {
                Name = "Call",
                Type = "count",
                Parameters = ExecutionEventTestExtensions.Json("""{"x":"{{ $node['Nope'].value }}"}"""),
                Retry = new NodeRetryPolicy { MaxTries = 3 },
                TimeoutMs = withTimeout ? 60_000 : null,
            })
            .Build();

        var execution = host.Engine.Start(flow);

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Error);
        calls.Should().Be(0);
        var events = await host.CollectAsync(execution.Id, cancellationToken: Ct).WithTimeout("the events");
        events.Should().NotContain(e => e.Type == ExecutionEventTypes.NodeExecutionRetry, "a template that fails once fails every time");
        events.ErrorOf("Call").Should().Contain("Nope");
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 3)]
    public async Task ANonRetryableFailure_OfAnAsynchronousHandler_IsNotRetried(bool retryable, int expectedCalls)
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("refuse", async (_, _) =>
        {
            Interlocked.Increment(ref calls);
            await Task.Yield();
            return NodeResult.Failure("permanent", retryable);
        }));
        var flow = new WorkflowBuilder("w")
            .AddNode(new NodeDefinition { Name = "Call", Type = "refuse", Retry = new NodeRetryPolicy { MaxTries = 3 } })
            .Build();

        var execution = host.Engine.Start(flow);

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Error);
        calls.Should().Be(expectedCalls);
        execution.ErrorMessage.Should().Be("permanent");
    }

    [Fact]
    public async Task AHandlerThatThrowsSynchronously_IsRetried_ThenItsMessageFailsTheNode()
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("throw", (_, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("sync boom");
        }));
        var flow = new WorkflowBuilder("w")
            .AddNode(new NodeDefinition { Name = "Call", Type = "throw", Retry = new NodeRetryPolicy { MaxTries = 2 } })
            .Build();

        var execution = host.Engine.Start(flow);

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Error);
        calls.Should().Be(2);
        execution.ErrorMessage.Should().Be("sync boom");
    }

    [Fact]
    public async Task Control_IsIdempotent_AndRefusedOnceFinished()
    {
        var answers = new List<bool>();
        await using var host = TestEngine.Create(b => b.AddNode("control", (context, _) =>
        {
            // From inside a running node, so the execution cannot end between the calls.
            var self = Self(context);
            answers.AddRange([self!.Resume(), self.Pause(), self.Pause(), self.Resume(), self.Resume(), self.Cancel(), self.Cancel()]);
            return ValueTask.FromResult(NodeResult.Success(context.Input));
        }));
        var execution = host.Engine.Start(new WorkflowBuilder("c").AddNode("Control", "control").AddNode("Next", "noOp").Chain("Control", "Next").Build());

        await execution.Completion.WithTimeout("the execution");

        answers.Should().Equal([true, true, true, true, true, true, true], "each is in effect already or applied");
        execution.Cancel().Should().BeFalse();
        execution.Pause().Should().BeFalse();
        execution.Resume().Should().BeFalse();
        var events = await host.CollectAsync(execution.Id, cancellationToken: Ct).WithTimeout("the events");
        events.Count(e => e.Type == ExecutionEventTypes.ExecutionPaused).Should().Be(1);
        events.Count(e => e.Type == ExecutionEventTypes.ExecutionResumed).Should().Be(1);
        events.FinishedStatus().Should().Be("canceled");
    }

    [Fact]
    public async Task AFailedExecution_NamesItsFailedNode_InExecutionFinished()
    {
        await using var host = TestEngine.Create(b => b.AddNode("fail", (_, _) => ValueTask.FromResult(NodeResult.Failure("broke"))));
        var flow = new WorkflowBuilder("f").AddNode("Start", "manualTrigger").AddNode("Fail", "fail").Chain("Start", "Fail").Build();

        var execution = host.Engine.Start(flow);
        await execution.Completion.WithTimeout("the execution");
        var events = await host.CollectAsync(execution.Id, cancellationToken: Ct).WithTimeout("the events");

        var error = events[^1].Data.GetProperty("error");
        error.GetProperty("message").GetString().Should().Be("broke");
        error.GetProperty("nodeName").GetString().Should().Be("Fail");
        execution.GetSnapshot().FailedNodeName.Should().Be("Fail");
        execution.ErrorMessage.Should().Be("broke");
    }

    [Fact]
    public async Task Fail_IsIdempotent_KeepsTheFirstMessage_AndACancelAfterItDoesNotTurnItIntoACancellation()
    {
        var answers = new List<bool>();
        await using var host = TestEngine.Create(b => b.AddNode("failSelf", (context, _) =>
        {
            // From inside a running node, so the execution cannot end between the calls.
            var self = Self(context);
            answers.AddRange([self!.Fail("first"), self.Fail("second"), self.Cancel()]);
            return ValueTask.FromResult(NodeResult.Success(context.Input));
        }));
        var execution = host.Engine.Start(new WorkflowBuilder("f").AddNode("Node", "failSelf").AddNode("Next", "noOp").Chain("Node", "Next").Build());

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Error);
        answers.Should().Equal([true, true, true]);
        execution.ErrorMessage.Should().Be("first");
        execution.GetSnapshot().FailedNodeName.Should().BeNull("the host failed it, not a node");
        execution.Fail("late").Should().BeFalse("it has finished");
    }

    [Fact]
    public async Task AnOperationCanceledException_OfTheHandlersOwn_IsAnError_NotATimeoutOrACancel()
    {
        await using var host = TestEngine.Create(b => b.AddNode("own", async (_, _) =>
        {
            await Task.Yield();
            throw new OperationCanceledException("the handler's own");
        }));
        var flow = new WorkflowBuilder("o").AddNode(new NodeDefinition { Name = "Own", Type = "own", TimeoutMs = 60_000 }).Build();

        var events = await host.RunAsync(flow);

        events.StatusOf("Own").Should().Be("error");
        events.ErrorOf("Own").Should().Be("the handler's own");
    }

    [Fact]
    public async Task AContinuedErrorsOutput_KeepsItsTextUnescaped()
    {
        await using var host = TestEngine.Create(b => b.AddNode("fail", (_, _) => ValueTask.FromResult(NodeResult.Failure("café<b>"))));
        var flow = new WorkflowBuilder("u").AddNode(new NodeDefinition { Name = "Fail", Type = "fail", ContinueOnFail = true }).Build();
        var execution = host.Engine.Start(flow);

        await execution.Completion.WithTimeout("the execution");

        execution.TryGetNodeOutput("Fail", out var output).Should().BeTrue();
        output.GetRawText().Should().Contain("café<b>");
    }

    [Fact]
    public async Task RetainedBytes_CountInputsEventsAndOutputs_AndEvictionGivesBackWhatItTook()
    {
        // Each execution holds about 30 KB of input, 60 KB of events (four 10 KB progress events and its 20 KB output) and its
        // 20 KB output: about 111 KB. Under 280 KB two fit, three do not, so after every start the two newest remain.
        var progress = ExecutionEventTestExtensions.Json($$"""{"text":"{{new string('p', 10_000)}}"}""");
        var output = ExecutionEventTestExtensions.Json($$"""{"text":"{{new string('o', 20_000)}}"}""");
        var input = ExecutionEventTestExtensions.Json($$"""{"text":"{{new string('i', 30_000)}}"}""");
        await using var host = TestEngine.Create(
            b => b.AddNode("heavy", (context, _) =>
            {
                for (var i = 0; i < 4; i++)
                {
                    context.ReportProgress(progress);
                }

                return ValueTask.FromResult(NodeResult.Success(output));
            }),
            o => o.MaxRetainedBytes = 280_000);
        var flow = new WorkflowBuilder("heavy").AddNode("Heavy", "heavy").Build();
        var ids = new List<long>();

        for (var i = 0; i < 4; i++)
        {
            var execution = host.Engine.Start(flow, new ExecutionRequest { InputData = input });
            (await execution.Completion.WithTimeout($"execution {i + 1}")).Should().Be(ExecutionStatus.Success);
            ids.Add(execution.Id);
            var retained = ids.Where(id => host.Engine.TryGetExecution(id, out _)).ToList();
            retained.Should().Equal(ids.TakeLast(2), $"after execution {i + 1} the two newest fit and a third does not");
        }
    }

    [Fact]
    public async Task TheByteBudget_CancelsANodeThatIsStillRunning()
    {
        var payload = ExecutionEventTestExtensions.Json($$"""{"text":"{{new string('x', 2_000)}}"}""");
        await using var host = TestEngine.Create(
            b => b.AddNode("chatty", async (context, ct) =>
            {
                // Reports until it is stopped: only the engine's cancellation ends it.
                while (true)
                {
                    context.ReportProgress(payload);
                    await Task.Yield();
                    ct.ThrowIfCancellationRequested();
                }
            }),
            o => o.MaxExecutionBytes = 50_000);

        var execution = host.Engine.Start(new WorkflowBuilder("chatty").AddNode("Chatty", "chatty").Build());

        (await execution.Completion.WithTimeout("the execution over its budget to end")).Should().Be(ExecutionStatus.Error);
        execution.ErrorMessage.Should().Contain("MaxExecutionBytes");
    }

    [Fact]
    public async Task ANodesTime_CountsAllItsAttempts_AndTheWaitsBetween()
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("flaky", (context, _) =>
            ValueTask.FromResult(Interlocked.Increment(ref calls) == 1 ? NodeResult.Failure("once") : NodeResult.Success(context.Input))));
        var flow = new WorkflowBuilder("t").AddNode(new NodeDefinition { Name = "Flaky", Type = "flaky", Retry = new NodeRetryPolicy { MaxTries = 2, WaitMs = 1_000 } }).Build();
        var execution = host.Engine.Start(flow);
        var events = host.CollectAsync(execution.Id, cancellationToken: Ct);

        await host.Timers.NextTimerAsync(t => t == TimeSpan.FromSeconds(1), "the retry's wait");
        host.Time.Advance(TimeSpan.FromSeconds(1));

        var all = await events.WithTimeout("the execution");
        all.After("Flaky").GetProperty("attempt").GetInt32().Should().Be(2);
        all.After("Flaky").GetProperty("executionTimeMs").GetInt64().Should().Be(1_000, "the node ran from its first attempt's start to its second's end");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnEarlierAttemptsContext_CannotReportProgress_DuringTheNextAttempt(bool withTimeout)
    {
        NodeExecutionContext? first = null;
        await using var host = TestEngine.Create(b => b.AddNode("twice", (context, _) =>
        {
            if (context.Attempt == 1)
            {
                first = context;
                throw new InvalidOperationException("first attempt");
            }

            first!.ReportProgress(ExecutionEventTestExtensions.Json("""{"late":true}"""));
            context.ReportProgress(ExecutionEventTestExtensions.Json("""{"now":true}"""));
            return ValueTask.FromResult(NodeResult.Success(context.Input));
        }));
        var flow = new WorkflowBuilder("a").AddNode(new NodeDefinition
        {
            Name = "Twice",
            Type = "twice",
            Retry = new NodeRetryPolicy { MaxTries = 2 },
            TimeoutMs = withTimeout ? 60_000 : null,
        }).Build();

        var events = await host.RunAsync(flow);

        events.FinishedStatus().Should().Be("success");
        events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionProgress).Select(e => e.Data.GetProperty("data").GetRawText())
            .Should().Equal(["""{"now":true}"""], "the first attempt ended when it threw");
    }

    [Fact]
    public async Task ANodesTimeout_CancelsTheTokenItsHandlerWasGiven()
    {
        var handlerSawCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b => b.AddNode("slow", async (context, ct) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                handlerSawCancel.TrySetResult();
                throw;
            }

            return NodeResult.Success(context.Input);
        }));
        var flow = new WorkflowBuilder("t").AddNode(new NodeDefinition { Name = "Slow", Type = "slow", TimeoutMs = 1_000 }).Build();
        var execution = host.Engine.Start(flow);

        await host.Timers.NextTimerAsync(t => t == TimeSpan.FromSeconds(1), "the node's timeout");
        host.Time.Advance(TimeSpan.FromSeconds(1));

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Error);
        execution.ErrorMessage.Should().Be("Node 'Slow' timed out after 1000 ms");
        await handlerSawCancel.Task.WithTimeout("the handler's token to fire");
    }

    [Fact]
    public async Task ACancel_WhileANodeWithATimeoutRuns_IsACancel_NotATimeout()
    {
        await using var host = TestEngine.Create(b => b.AddNode("slow", async (context, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return NodeResult.Success(context.Input);
        }));
        var flow = new WorkflowBuilder("t").AddNode(new NodeDefinition { Name = "Slow", Type = "slow", TimeoutMs = 60_000 }).Build();
        var execution = host.Engine.Start(flow);
        var events = host.CollectAsync(execution.Id, cancellationToken: Ct);
        await host.Engine.SubscribeAsync(execution.Id, 0, Ct).FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionBefore, Ct).AsTask().WithTimeout("Slow to start");

        execution.Cancel().Should().BeTrue();

        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Canceled);
        var all = await events.WithTimeout("the events");
        all.StatusOf("Slow").Should().Be("canceled");
        all.ErrorOf("Slow").Should().Be("Node 'Slow' was canceled.");
    }

    [Fact]
    public async Task ANodeThatCancelsItsExecutionThenFails_IsCanceled_NotRetried()
    {
        await using var host = TestEngine.Create(b => b.AddNode("cancelThenFail", (context, _) =>
        {
            var self = Self(context);
            self!.Cancel();
            return ValueTask.FromResult(NodeResult.Failure("after the cancel"));
        }));
        var flow = new WorkflowBuilder("c").AddNode(new NodeDefinition { Name = "Node", Type = "cancelThenFail", Retry = new NodeRetryPolicy { MaxTries = 3 } }).Build();

        var events = await host.RunAsync(flow);

        events.Should().NotContain(e => e.Type == ExecutionEventTypes.NodeExecutionRetry);
        events.StatusOf("Node").Should().Be("canceled");
        events.FinishedStatus().Should().Be("canceled");
    }

    [Fact]
    public async Task AnExceptionWithoutAMessage_IsDescribedByItsType()
    {
        await using var host = TestEngine.Create(b => b.AddNode("mute", (_, _) => throw new InvalidOperationException("")));

        var events = await host.RunAsync(new WorkflowBuilder("m").AddNode("Mute", "mute").Build());

        events.ErrorOf("Mute").Should().Be("InvalidOperationException");
    }

    [Fact]
    public async Task ARunningExecutionsEvents_CountTowardsTheRetainedBytes_EvictingFinishedOnesWhileItRuns()
    {
        var payload = ExecutionEventTestExtensions.Json($$"""{"text":"{{new string('x', 10_000)}}"}""");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(
            b => b.AddNode("big", async (context, _) =>
            {
                // 15 × 10 KB of progress, then wait: more than 64 KiB, so the host learns of it before the node ends.
                for (var i = 0; i < 15; i++)
                {
                    context.ReportProgress(payload);
                }

                await release.Task;
                return NodeResult.Success(context.Input);
            }),
            o => o.MaxRetainedBytes = 100_000);
        var small = host.Engine.Start(new WorkflowBuilder("small").AddNode("A", "noOp").Build());
        await small.Completion.WithTimeout("the small execution");
        host.Engine.TryGetExecution(small.Id, out _).Should().BeTrue("it fits in the budget");

        var big = host.Engine.Start(new WorkflowBuilder("big").AddNode("Big", "big").Build());
        var progress = 0;
        await foreach (var e in host.Engine.SubscribeAsync(big.Id, 0, Ct))
        {
            if (e.Type == ExecutionEventTypes.NodeExecutionProgress && ++progress == 15)
            {
                break;
            }
        }

        host.Engine.TryGetExecution(small.Id, out _).Should().BeFalse("the running execution's 150 KB pushed the host over MaxRetainedBytes, so the oldest finished one went");
        host.Engine.TryGetExecution(big.Id, out _).Should().BeTrue("a running execution is never evicted");
        release.SetResult();
        (await big.Completion.WithTimeout("the big execution")).Should().Be(ExecutionStatus.Success);
    }

    [Fact]
    public async Task EveryPublishedEvent_IsCountedOnTheHostsMeter()
    {
        await using var host = TestEngine.Create();
        var scope = host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        long published = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name == "flowstream.events.published")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref published, value));
        listener.Start();

        var events = await host.RunAsync(new WorkflowBuilder("m").AddNode("A", "noOp").AddNode("B", "noOp").Chain("A", "B").Build());

        Interlocked.Read(ref published).Should().Be(events.Count);
    }

    /// <summary>The execution a node runs in, as a handler can find it (the engine is a service of its scope).</summary>
    private static WorkflowExecution Self(NodeExecutionContext context)
        => context.Services.GetRequiredService<IWorkflowEngine>().TryGetExecution(context.ExecutionId, out var execution)
            ? execution
            : throw new InvalidOperationException($"Execution {context.ExecutionId} is not running here.");

    public sealed class CountingHandler : INodeHandler
    {
        private static int s_created;

        public CountingHandler() => Interlocked.Increment(ref s_created);

        public static int Created => Volatile.Read(ref s_created);

        public static void Reset() => Volatile.Write(ref s_created, 0);

        public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(NodeResult.Success(context.Input));
    }

    public sealed class ScopedThing : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }
}
