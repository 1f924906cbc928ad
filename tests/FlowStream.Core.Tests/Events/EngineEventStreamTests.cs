using System.Text.Json;
using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Events;

/// <summary>The event stream of real executions, through <see cref="IWorkflowEngine.SubscribeAsync"/>.</summary>
public sealed class EngineEventStreamTests
{
    /// <summary>executionStarted, nodeExecutionBefore, the progress events, nodeExecutionAfter, executionFinished.</summary>
    private const int FramingEvents = 4;

    /// <summary>Exactly the default retention (100,000 events), so that every event is still there at the end.</summary>
    private const int LargeTotal = 100_000;
    private static readonly JsonElement s_delta = JsonDocument.Parse("""{"delta":"x"}""").RootElement.Clone();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SubscribeAsync_StalledSubscriberWhileExecutionEmits100000Events_ExecutionCompletesAndSubscriberReadsEverything()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = CreateHost(LargeTotal - FramingEvents, gate, o => o.SubscriberBufferCapacity = 16);
        var execution = host.Engine.Start(BurstWorkflow());
        await using var stalled = await StalledLiveSubscriberAsync(host, execution, gate);

        var status = await execution.Completion.WithTimeout("the execution to finish");
        var rest = await DrainAsync(stalled);

        status.Should().Be(ExecutionStatus.Success);
        AssertContiguous(rest, 4, LargeTotal);
        rest[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        rest[^2].Type.Should().Be(ExecutionEventTypes.NodeExecutionAfter);
        rest.Take(rest.Count - 2).Should().OnlyContain(e => e.Type == ExecutionEventTypes.NodeExecutionProgress);
    }

    [Fact]
    public async Task SubscribeAsync_StalledSubscriberBeyondRetention_EndsWithEventsUnavailable()
    {
        const int Retained = 1_000;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = CreateHost(LargeTotal - FramingEvents, gate, o =>
        {
            o.SubscriberBufferCapacity = 16;
            o.MaxRetainedEventsPerExecution = Retained;
        });
        var execution = host.Engine.Start(BurstWorkflow());
        await using var stalled = host.Engine.SubscribeAsync(execution.Id, 0, Ct).GetAsyncEnumerator(Ct);
        do
        {
            (await stalled.MoveNextAsync().AsTask().WithTimeout("the subscriber's next event")).Should().BeTrue();
        }
        while (stalled.Current.Type != ExecutionEventTypes.NodeExecutionBefore);

        // A reader parked at the tail is woken by the burst, but (being a cursor, with no buffer of its own) it may find its next
        // event already gone by the time it runs: then its read fails, mid-burst or after, with the log's first retained event then.
        var waiting = stalled.MoveNextAsync().AsTask();
        gate.SetResult();
        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);
        var read = new List<ExecutionEvent>();
        var act = async () =>
        {
            if (await waiting.WithTimeout("the awaited step"))
            {
                read.Add(stalled.Current);
                while (await stalled.MoveNextAsync())
                {
                    read.Add(stalled.Current);
                }
            }
        };

        var error = (await act.Should().ThrowAsync<ExecutionEventsUnavailableException>()).Which;
        var lastRead = read.Count == 0 ? 2 : read[^1].Sequence;
        AssertContiguous(read, 3, lastRead);
        error.ExecutionId.Should().Be(execution.Id);
        error.NextSequence.Should().Be(lastRead + 1);
        error.FirstRetainedSequence.Should().BeGreaterThan(lastRead + 1).And.BeLessThanOrEqualTo(LargeTotal - Retained + 1);
    }

    [Fact]
    public async Task SubscribeAsync_AfterExecutionFinished_ReplaysEveryEvent()
    {
        const int Progress = 1_000;
        await using var host = CreateHost(Progress);
        var execution = host.Engine.Start(BurstWorkflow());
        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);

        var events = await host.CollectAsync(execution.Id, 0, Ct);

        AssertContiguous(events, 1, Progress + FramingEvents);
        events.Should().OnlyContain(e => e.ExecutionId == execution.Id);
        events[0].Type.Should().Be(ExecutionEventTypes.ExecutionStarted);
        events[1].Type.Should().Be(ExecutionEventTypes.NodeExecutionBefore);
        events[2].Data.GetProperty("data").GetProperty("delta").GetString().Should().Be("x");
        events[^2].Type.Should().Be(ExecutionEventTypes.NodeExecutionAfter);
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        events[^1].Data.GetProperty("status").GetString().Should().Be("success");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(500)]
    [InlineData(1_003)]
    [InlineData(1_004)]
    public async Task SubscribeAsync_AfterSequenceOfFinishedExecution_YieldsExactlyTheLaterEvents(long afterSequence)
    {
        const int Progress = 1_000;
        await using var host = CreateHost(Progress);
        var execution = host.Engine.Start(BurstWorkflow());
        await execution.Completion.WithTimeout("the execution to finish");

        var events = await host.CollectAsync(execution.Id, afterSequence, Ct);

        AssertContiguous(events, afterSequence + 1, Progress + FramingEvents);
    }

    [Fact]
    public async Task SubscribeAsync_AfterSequenceOfRunningExecution_YieldsExactlyTheLaterEvents()
    {
        const int Progress = 5_000;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = CreateHost(Progress, gate, o => o.SubscriberBufferCapacity = 8);
        var execution = host.Engine.Start(BurstWorkflow());

        var reading = host.CollectAsync(execution.Id, 1, Ct);
        gate.SetResult();
        var events = await reading.WithTimeout("the awaited step");

        AssertContiguous(events, 2, Progress + FramingEvents);
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
    }

    [Fact]
    public async Task SubscribeAsync_SubscribersFollowingARunningExecution_EachGetEveryEvent()
    {
        const int Progress = 20_000;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = CreateHost(Progress, gate, o => o.SubscriberBufferCapacity = 4);
        var execution = host.Engine.Start(BurstWorkflow());

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(() => host.CollectAsync(execution.Id, 0, Ct), Ct)).ToArray();
        gate.SetResult();
        var results = await Task.WhenAll(readers).WithTimeout("the awaited step");

        foreach (var events in results)
        {
            AssertContiguous(events, 1, Progress + FramingEvents);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    /// <summary>An engine with a <c>burst</c> node type that waits for <paramref name="gate"/> (if any), then reports <paramref name="progressEvents"/> progress events.</summary>
    private static TestEngine CreateHost(int progressEvents, TaskCompletionSource? gate = null, Action<FlowStreamOptions>? configureOptions = null)
        => TestEngine.Create(
            builder => builder.AddNode("burst", async (ctx, ct) =>
            {
                if (gate is not null)
                {
                    await gate.Task.WaitAsync(ct);
                }

                for (var i = 0; i < progressEvents; i++)
                {
                    ctx.ReportProgress(s_delta);
                }

                return NodeResult.Success();
            }),
            configureOptions);

    private static WorkflowDefinition BurstWorkflow() => new WorkflowBuilder("burst", "Burst").AddNode("Burst", "burst").Build();

    /// <summary>
    /// A subscriber that reads up to nodeExecutionBefore while the node waits at <paramref name="gate"/>, is waiting live when the
    /// gate opens, reads the first progress event (3), and then stops reading.
    /// </summary>
    private static async Task<IAsyncEnumerator<ExecutionEvent>> StalledLiveSubscriberAsync(TestEngine host, WorkflowExecution execution, TaskCompletionSource gate)
    {
        var subscriber = host.Engine.SubscribeAsync(execution.Id, 0, Ct).GetAsyncEnumerator(Ct);
        do
        {
            (await subscriber.MoveNextAsync().AsTask().WithTimeout("the subscriber's next event")).Should().BeTrue();
        }
        while (subscriber.Current.Type != ExecutionEventTypes.NodeExecutionBefore);

        subscriber.Current.Sequence.Should().Be(2);
        var waiting = subscriber.MoveNextAsync();
        waiting.IsCompleted.Should().BeFalse("the node has not reported anything yet");
        gate.SetResult();
        (await waiting.AsTask().WithTimeout("the awaited step")).Should().BeTrue();
        subscriber.Current.Sequence.Should().Be(3);
        subscriber.Current.Type.Should().Be(ExecutionEventTypes.NodeExecutionProgress);
        return subscriber;
    }

    private static async Task<List<ExecutionEvent>> DrainAsync(IAsyncEnumerator<ExecutionEvent> subscriber)
    {
        var events = new List<ExecutionEvent>();
        while (await subscriber.MoveNextAsync().AsTask().WithTimeout("the subscriber's next event"))
        {
            events.Add(subscriber.Current);
        }

        return events;
    }

    private static void AssertContiguous(List<ExecutionEvent> events, long first, long last)
    {
        var mismatch = -1;
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Sequence != first + i)
            {
                mismatch = i;
                break;
            }
        }

        mismatch.Should().Be(-1, "sequence {0} was expected there but {1} came", mismatch < 0 ? 0 : first + mismatch, mismatch < 0 ? 0 : events[mismatch].Sequence);
        events.Count.Should().Be((int)Math.Max(0, last - first + 1), "the events should run from {0} to {1}", first, last);
    }
}
