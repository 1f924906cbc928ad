using System.Text;

namespace FlowStream.Tests.Events;

/// <summary>
/// The contract every <see cref="TestEventStore"/> must meet (see its remarks and DESIGN.md, "Event bus").
/// One sealed subclass per implementation supplies <see cref="CreateBus"/>.
/// </summary>
public abstract class ExecutionEventBusContractTests
{
    /// <summary>Every hand-made event's UTF-8 JSON has exactly this many bytes, so byte-based retention is easy to reason about.</summary>
    protected const int EventBytes = 64;

    protected const long ExecutionId = 7;


    private static readonly Dictionary<string, byte[]> s_json = new()
    {
        [ExecutionEventTypes.ExecutionStarted] = Json(ExecutionEventTypes.ExecutionStarted),
        [ExecutionEventTypes.NodeExecutionProgress] = Json(ExecutionEventTypes.NodeExecutionProgress),
        [ExecutionEventTypes.ExecutionFinished] = Json(ExecutionEventTypes.ExecutionFinished),
    };

    private static readonly byte[] s_bigJson = Json(ExecutionEventTypes.NodeExecutionProgress, 8 * EventBytes);

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates the bus under test with the given retention (per execution) and per-subscriber buffer.</summary>
    protected abstract TestEventStore CreateBus(int maxEvents = 1_000_000, long maxBytes = 1L << 40, int subscriberCapacity = 1_024);

    // ---- replay -------------------------------------------------------------------------------------------------

    [Fact]
    public async Task SubscribeAsync_AfterExecutionFinished_ReplaysAllEventsInOrderThenCompletes()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 50, finish: true);

        var events = await bus.SubscribeAsync(ExecutionId, 0, Ct).ToListAsync(Ct);

        AssertContiguous(events, 1, 50);
        events[0].Type.Should().Be(ExecutionEventTypes.ExecutionStarted);
        events[^1].IsTerminal.Should().BeTrue();
        events.Take(49).Should().OnlyContain(e => !e.IsTerminal);
    }

    [Fact]
    public async Task SubscribeAsync_AfterExecutionFinished_YieldsTheSameInstancesForEverySubscriber()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 10, finish: true);

        var first = await bus.SubscribeAsync(ExecutionId, 0, Ct).ToListAsync(Ct);
        var second = await bus.SubscribeAsync(ExecutionId, 0, Ct).ToListAsync(Ct);

        AssertContiguous(first, 1, 10);
        AssertContiguous(second, 1, 10);
        second.Select(e => Encoding.UTF8.GetString(e.Utf8Json.Span)).Should().Equal(first.Select(e => Encoding.UTF8.GetString(e.Utf8Json.Span)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(49)]
    [InlineData(50)]
    public async Task SubscribeAsync_AfterSequenceOfFinishedExecution_YieldsExactlyTheLaterEvents(long afterSequence)
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 50, finish: true);

        var events = await bus.SubscribeAsync(ExecutionId, afterSequence, Ct).ToListAsync(Ct);

        AssertContiguous(events, afterSequence + 1, 50);
    }

    [Fact]
    public async Task SubscribeAsync_AfterSequenceOfRunningExecution_YieldsExactlyTheLaterEventsThenLiveOnesThenCompletes()
    {
        var bus = CreateBus(subscriberCapacity: 4);
        PublishRange(bus, 1, 30);

        var reading = bus.SubscribeAsync(ExecutionId, 20, Ct).ToListAsync(Ct).AsTask();
        PublishRange(bus, 31, 100, finish: true);
        var events = await reading.WithTimeout("the subscriber to read up to the end");

        AssertContiguous(events, 21, 100);
    }

    [Fact]
    public async Task SubscribeAsync_AfterSequenceAtLastPublished_YieldsOnlyLaterLiveEvents()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 5);
        await using var subscriber = bus.SubscribeAsync(ExecutionId, 5, Ct).GetAsyncEnumerator(Ct);

        var next = subscriber.MoveNextAsync();
        next.IsCompleted.Should().BeFalse("nothing after event 5 has been published yet");
        PublishRange(bus, 6, 8, finish: true);
        var events = await DrainAsync(subscriber, next);

        AssertContiguous(events, 6, 8);
    }

    [Fact]
    public async Task SubscribeAsync_AfterSequenceBeyondLastPublished_SkipsEventsUpToIt()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 5);

        var reading = bus.SubscribeAsync(ExecutionId, 10, Ct).ToListAsync(Ct).AsTask();
        PublishRange(bus, 6, 20, finish: true);
        var events = await reading.WithTimeout("the subscriber to read up to the end");

        AssertContiguous(events, 11, 20);
    }

    [Fact]
    public async Task SubscribeAsync_AfterSequenceBeyondLastEventOfRunningExecution_CompletesEmptyWhenItFinishes()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 5);

        var reading = bus.SubscribeAsync(ExecutionId, 30, Ct).ToListAsync(Ct).AsTask();
        PublishRange(bus, 6, 20, finish: true);

        (await reading.WithTimeout("the subscriber to read up to the end")).Should().BeEmpty();
    }

    [Fact]
    public async Task SubscribeAsync_AfterSequenceAtOrBeyondEndOfFinishedExecution_CompletesEmpty()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 5, finish: true);

        (await bus.SubscribeAsync(ExecutionId, 5, Ct).ToListAsync(Ct)).Should().BeEmpty();
        (await bus.SubscribeAsync(ExecutionId, 99, Ct).ToListAsync(Ct)).Should().BeEmpty();
    }

    // ---- live ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task SubscribeAsync_LiveSubscriber_GetsEveryEventOnceInOrderAndCompletesAfterExecutionFinished()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 1);
        await using var subscriber = bus.SubscribeAsync(ExecutionId, 0, Ct).GetAsyncEnumerator(Ct);
        (await subscriber.MoveNextAsync()).Should().BeTrue();
        subscriber.Current.Sequence.Should().Be(1);

        var next = subscriber.MoveNextAsync();
        next.IsCompleted.Should().BeFalse("the subscriber is waiting for a live event");
        PublishRange(bus, 2, 999);
        var afterLastProgress = await DrainUntilAsync(subscriber, next, 999);
        var completion = subscriber.MoveNextAsync();
        completion.IsCompleted.Should().BeFalse("the execution has not finished");
        PublishRange(bus, 1000, 1000, finish: true);
        var rest = await DrainAsync(subscriber, completion);

        AssertContiguous([.. afterLastProgress, .. rest], 2, 1000);
        rest.Should().ContainSingle().Which.IsTerminal.Should().BeTrue();
    }

    [Fact]
    public async Task SubscribeAsync_SeveralSubscribersAtOnce_EachGetsEveryEvent()
    {
        var bus = CreateBus(subscriberCapacity: 8);
        PublishRange(bus, 1, 1);
        var readers = Enumerable.Range(0, 5).Select(_ => bus.SubscribeAsync(ExecutionId, 0, Ct).ToListAsync(Ct).AsTask()).ToArray();
        readers.Should().OnlyContain(r => !r.IsCompleted);

        PublishRange(bus, 2, 2_000, finish: true);
        var results = await Task.WhenAll(readers).WithTimeout("every reader to read up to the end");

        foreach (var events in results)
        {
            AssertContiguous(events, 1, 2_000);
        }
    }

    [Fact]
    public async Task SubscribeAsync_SubscribersOfDifferentExecutions_GetOnlyTheirOwnEvents()
    {
        var bus = CreateBus();
        bus.Publish(Event(1, 1));
        bus.Publish(Event(2, 1));
        var first = bus.SubscribeAsync(1, 0, Ct).ToListAsync(Ct).AsTask();
        var second = bus.SubscribeAsync(2, 0, Ct).ToListAsync(Ct).AsTask();

        for (var seq = 2; seq <= 20; seq++)
        {
            bus.Publish(Event(1, seq, terminal: seq == 20));
            if (seq <= 10)
            {
                bus.Publish(Event(2, seq, terminal: seq == 10));
            }
        }

        AssertContiguous(await first.WithTimeout("the first reader"), 1, 20, executionId: 1);
        AssertContiguous(await second.WithTimeout("the second reader"), 1, 10, executionId: 2);
    }

    // ---- slow and stalled subscribers -----------------------------------------------------------------------

    [Fact]
    public async Task Publish_SubscriberStalledAfterOneLiveEvent_DoesNotBlockAndSubscriberLaterReadsEverythingInOrder()
    {
        const int Last = 100_001;
        var bus = CreateBus(subscriberCapacity: 16);
        PublishRange(bus, 1, 1);
        await using var stalled = await StalledLiveSubscriberAsync(bus);

        await Task.Run(() => PublishRange(bus, 3, Last, finish: true), Ct).WithTimeout("the publisher");
        var rest = await DrainAsync(stalled);

        bus.TryGetLastSequence(ExecutionId, out var lastSequence).Should().BeTrue();
        lastSequence.Should().Be(Last);
        AssertContiguous(rest, 3, Last);
    }

    [Fact]
    public async Task Publish_SubscriberEnumeratorCreatedButNeverStarted_DoesNotBlockAndSubscriberLaterReadsEverything()
    {
        const int Last = 100_001;
        var bus = CreateBus(subscriberCapacity: 16);
        PublishRange(bus, 1, 1);
        await using var idle = bus.SubscribeAsync(ExecutionId, 0, Ct).GetAsyncEnumerator(Ct);

        await Task.Run(() => PublishRange(bus, 2, Last, finish: true), Ct).WithTimeout("the publisher");
        var events = await DrainAsync(idle);

        AssertContiguous(events, 1, Last);
    }

    [Fact]
    public async Task Publish_SubscriberStalledInReplay_DoesNotBlockAndSubscriberLaterReadsEverything()
    {
        const int Last = 20_000;
        var bus = CreateBus(subscriberCapacity: 16);
        PublishRange(bus, 1, 1_000);
        await using var stalled = bus.SubscribeAsync(ExecutionId, 0, Ct).GetAsyncEnumerator(Ct);
        (await stalled.MoveNextAsync()).Should().BeTrue();
        stalled.Current.Sequence.Should().Be(1);

        await Task.Run(() => PublishRange(bus, 1_001, Last, finish: true), Ct).WithTimeout("the publisher");
        var rest = await DrainAsync(stalled);

        AssertContiguous(rest, 2, Last);
    }

    [Fact]
    public async Task Publish_StalledSubscriber_DoesNotDelayOtherSubscribers()
    {
        var bus = CreateBus(subscriberCapacity: 2);
        PublishRange(bus, 1, 1);
        await using var stalled = await StalledLiveSubscriberAsync(bus);
        var healthy = bus.SubscribeAsync(ExecutionId, 0, Ct).ToListAsync(Ct).AsTask();

        PublishRange(bus, 3, 5_000, finish: true);

        AssertContiguous(await healthy.WithTimeout("the healthy reader"), 1, 5_000);
        AssertContiguous(await DrainAsync(stalled), 3, 5_000);
    }

    // ---- retention ----------------------------------------------------------------------------------------------

    [Fact]
    public async Task SubscribeAsync_StalledSubscriberFallsOutOfCountRetention_EndsWithEventsUnavailable()
    {
        const int Last = 10_001;
        const int Retained = 1_000;
        var bus = CreateBus(maxEvents: Retained, subscriberCapacity: 16);
        PublishRange(bus, 1, 1);
        await using var stalled = await StalledLiveSubscriberAsync(bus);

        await Task.Run(() => PublishRange(bus, 3, Last, finish: true), Ct).WithTimeout("the publisher");
        var (events, error) = await DrainExpectingErrorAsync(stalled);

        var lastRead = events.Count == 0 ? 2 : events[^1].Sequence;
        AssertContiguous(events, 3, lastRead);
        error.Should().NotBeNull("events 3..{0} left the retention window before the subscriber read them", Last - Retained);
        error!.ExecutionId.Should().Be(ExecutionId);
        error.NextSequence.Should().Be(lastRead + 1);
        error.FirstRetainedSequence.Should().Be(Last - Retained + 1);
        error.NextSequence.Should().BeLessThan(error.FirstRetainedSequence);
    }

    [Fact]
    public async Task SubscribeAsync_AfterSequenceOlderThanRetainedWindow_ThrowsEventsUnavailable()
    {
        var bus = CreateBus(maxEvents: 1_000);
        PublishRange(bus, 1, 3_000);

        var fromStart = async () => await bus.SubscribeAsync(ExecutionId, 0, Ct).ToListAsync(Ct);
        var justBefore = async () => await bus.SubscribeAsync(ExecutionId, 1_999, Ct).ToListAsync(Ct);

        var e1 = (await fromStart.Should().ThrowAsync<ExecutionEventsUnavailableException>()).Which;
        e1.ExecutionId.Should().Be(ExecutionId);
        e1.NextSequence.Should().Be(1);
        e1.FirstRetainedSequence.Should().Be(2_001);
        var e2 = (await justBefore.Should().ThrowAsync<ExecutionEventsUnavailableException>()).Which;
        e2.NextSequence.Should().Be(2_000);
        e2.FirstRetainedSequence.Should().Be(2_001);
    }

    [Fact]
    public async Task SubscribeAsync_AfterSequenceAtStartOfRetainedWindow_YieldsTheWholeWindow()
    {
        var bus = CreateBus(maxEvents: 1_000);
        PublishRange(bus, 1, 3_000, finish: true);

        var events = await bus.SubscribeAsync(ExecutionId, 2_000, Ct).ToListAsync(Ct);

        AssertContiguous(events, 2_001, 3_000);
    }

    [Fact]
    public async Task SubscribeAsync_ByteRetentionExceeded_EvictsOldestEvents()
    {
        var bus = CreateBus(maxBytes: 10 * EventBytes);
        PublishRange(bus, 1, 50, finish: true);

        var retained = await bus.SubscribeAsync(ExecutionId, 40, Ct).ToListAsync(Ct);
        var tooOld = async () => await bus.SubscribeAsync(ExecutionId, 39, Ct).ToListAsync(Ct);

        AssertContiguous(retained, 41, 50);
        var error = (await tooOld.Should().ThrowAsync<ExecutionEventsUnavailableException>()).Which;
        error.NextSequence.Should().Be(40);
        error.FirstRetainedSequence.Should().Be(41);
    }

    [Fact]
    public async Task SubscribeAsync_StalledSubscriberFallsOutOfByteRetention_EndsWithEventsUnavailable()
    {
        var bus = CreateBus(maxBytes: 100 * EventBytes, subscriberCapacity: 4);
        PublishRange(bus, 1, 1);
        await using var stalled = await StalledLiveSubscriberAsync(bus);

        PublishRange(bus, 3, 1_000, finish: true);
        var (events, error) = await DrainExpectingErrorAsync(stalled);

        var lastRead = events.Count == 0 ? 2 : events[^1].Sequence;
        AssertContiguous(events, 3, lastRead);
        error.Should().NotBeNull();
        error!.NextSequence.Should().Be(lastRead + 1);
        error.FirstRetainedSequence.Should().Be(901);
    }

    [Fact]
    public async Task SubscribeAsync_ByteRetentionWithEventsOfDifferentSizes_KeepsTheNewestEventsThatFit()
    {
        // 8 events of 8 × EventBytes fill the window; the small ones that follow push them out one by one.
        var bus = CreateBus(maxBytes: 64 * EventBytes);
        for (var seq = 1; seq <= 8; seq++)
        {
            bus.Publish(new ExecutionEvent(ExecutionId, seq, ExecutionEventTypes.NodeExecutionProgress, s_bigJson));
        }

        PublishRange(bus, 9, 100, finish: true);

        AssertContiguous(await bus.SubscribeAsync(ExecutionId, 36, Ct).ToListAsync(Ct), 37, 100);
        var tooOld = async () => await bus.SubscribeAsync(ExecutionId, 35, Ct).ToListAsync(Ct);
        (await tooOld.Should().ThrowAsync<ExecutionEventsUnavailableException>()).Which.FirstRetainedSequence.Should().Be(37);
    }

    [Fact]
    public async Task SubscribeAsync_CountAndByteRetention_WhicheverIsSmallerWins()
    {
        var byCount = CreateBus(maxEvents: 10, maxBytes: 20 * EventBytes);
        var byBytes = CreateBus(maxEvents: 20, maxBytes: 10 * EventBytes);
        PublishRange(byCount, 1, 100, finish: true);
        PublishRange(byBytes, 1, 100, finish: true);

        AssertContiguous(await byCount.SubscribeAsync(ExecutionId, 90, Ct).ToListAsync(Ct), 91, 100);
        AssertContiguous(await byBytes.SubscribeAsync(ExecutionId, 90, Ct).ToListAsync(Ct), 91, 100);
        var count = async () => await byCount.SubscribeAsync(ExecutionId, 89, Ct).ToListAsync(Ct);
        var bytes = async () => await byBytes.SubscribeAsync(ExecutionId, 89, Ct).ToListAsync(Ct);
        await count.Should().ThrowAsync<ExecutionEventsUnavailableException>();
        await bytes.Should().ThrowAsync<ExecutionEventsUnavailableException>();
    }

    // ---- cancellation -------------------------------------------------------------------------------------------

    [Fact]
    public async Task SubscribeAsync_WaitingSubscriberCanceled_ThrowsOperationCanceledAndPublishingGoesOn()
    {
        var bus = CreateBus(subscriberCapacity: 1);
        PublishRange(bus, 1, 1);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var subscriber = bus.SubscribeAsync(ExecutionId, 0, cts.Token).GetAsyncEnumerator(cts.Token);
        (await subscriber.MoveNextAsync()).Should().BeTrue();
        var waiting = subscriber.MoveNextAsync();
        waiting.IsCompleted.Should().BeFalse();

        await cts.CancelAsync();
        var act = async () => await waiting;

        await act.Should().ThrowAsync<OperationCanceledException>();
        await subscriber.DisposeAsync();
        PublishRange(bus, 2, 1_000, finish: true);
        AssertContiguous(await bus.SubscribeAsync(ExecutionId, 0, Ct).ToListAsync(Ct), 1, 1_000);
    }

    [Fact]
    public async Task SubscribeAsync_CanceledViaWithCancellation_ThrowsOperationCanceled()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 3);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await using var subscriber = bus.SubscribeAsync(ExecutionId, 0, CancellationToken.None).WithCancellation(cts.Token).GetAsyncEnumerator();
        (await subscriber.MoveNextAsync()).Should().BeTrue();

        await cts.CancelAsync();
        var act = async () =>
        {
            while (await subscriber.MoveNextAsync())
            {
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task SubscribeAsync_AlreadyCanceledToken_ThrowsOperationCanceled()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 3, finish: true);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = async () => await bus.SubscribeAsync(ExecutionId, 0, cts.Token).ToListAsync(CancellationToken.None);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    // ---- publish rules ------------------------------------------------------------------------------------------

    [Fact]
    public void Publish_SequenceGap_ThrowsAndKeepsTheLog()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 2);

        var gap = () => bus.Publish(Event(ExecutionId, 4));
        var repeat = () => bus.Publish(Event(ExecutionId, 2));

        gap.Should().Throw<InvalidOperationException>();
        repeat.Should().Throw<InvalidOperationException>();
        bus.TryGetLastSequence(ExecutionId, out var last).Should().BeTrue();
        last.Should().Be(2);
        bus.Invoking(b => b.Publish(Event(ExecutionId, 3))).Should().NotThrow();
    }

    [Fact]
    public void Publish_FirstEventOfUnknownExecutionNotSequenceOne_Throws()
    {
        var bus = CreateBus();

        var act = () => bus.Publish(Event(ExecutionId, 2));

        act.Should().Throw<InvalidOperationException>();
        bus.TryGetLastSequence(ExecutionId, out _).Should().BeFalse();
    }

    [Fact]
    public async Task Publish_AfterExecutionFinished_ThrowsAndReplayIsUnchanged()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 3, finish: true);

        var act = () => bus.Publish(Event(ExecutionId, 4));

        act.Should().Throw<InvalidOperationException>();
        bus.TryGetLastSequence(ExecutionId, out var last).Should().BeTrue();
        last.Should().Be(3);
        AssertContiguous(await bus.SubscribeAsync(ExecutionId, 0, Ct).ToListAsync(Ct), 1, 3);
    }

    // ---- unknown executions, removal, last sequence ------------------------------------------------------------

    [Fact]
    public async Task SubscribeAsync_UnknownExecution_ThrowsInvalidOperationOnEnumeration()
    {
        var bus = CreateBus();
        IAsyncEnumerable<ExecutionEvent>? stream = null;

        var subscribe = () => stream = bus.SubscribeAsync(404, 0, Ct);
        subscribe.Should().NotThrow("the failure belongs to the enumeration");
        var enumerate = async () => await stream!.ToListAsync(Ct);

        await enumerate.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task Remove_KnownExecution_ForgetsItsLog()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 5, finish: true);

        bus.Remove(ExecutionId).Should().BeTrue();

        bus.Remove(ExecutionId).Should().BeFalse();
        bus.TryGetLastSequence(ExecutionId, out var last).Should().BeFalse();
        last.Should().Be(0);
        var enumerate = async () => await bus.SubscribeAsync(ExecutionId, 0, Ct).ToListAsync(Ct);
        await enumerate.Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task Remove_WhileSubscriberIsReading_LetsTheSubscriberFinish()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 10, finish: true);
        await using var subscriber = bus.SubscribeAsync(ExecutionId, 0, Ct).GetAsyncEnumerator(Ct);
        (await subscriber.MoveNextAsync()).Should().BeTrue();

        bus.Remove(ExecutionId).Should().BeTrue();
        var rest = await DrainAsync(subscriber);

        AssertContiguous(rest, 2, 10);
    }

    [Fact]
    public void Remove_UnknownExecution_ReturnsFalse()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 1);

        bus.Remove(ExecutionId + 1).Should().BeFalse();
        bus.TryGetLastSequence(ExecutionId, out _).Should().BeTrue();
    }

    [Fact]
    public void TryGetLastSequence_FollowsPublishedEvents()
    {
        var bus = CreateBus(maxEvents: 10);

        bus.TryGetLastSequence(ExecutionId, out var none).Should().BeFalse();
        none.Should().Be(0);
        PublishRange(bus, 1, 5);
        bus.TryGetLastSequence(ExecutionId, out var running).Should().BeTrue();
        running.Should().Be(5);
        PublishRange(bus, 6, 42, finish: true);
        bus.TryGetLastSequence(ExecutionId, out var finished).Should().BeTrue();
        finished.Should().Be(42, "eviction from the retained window does not change the last sequence");
    }

    // ---- concurrency --------------------------------------------------------------------------------------------

    [Fact]
    public async Task SubscribeAsync_ConcurrentPublisherAndLaggingSubscribers_EachSeesEverySequenceExactlyOnce()
    {
        const int Last = 50_001;
        var bus = CreateBus(subscriberCapacity: 4);
        PublishRange(bus, 1, 1);

        // yieldEvery 0: a fast reader; small values: readers that keep losing the race and catch up from the log.
        int[] yieldEvery = [0, 1, 7, 100];
        var readers = yieldEvery.Select(n => Task.Run(() => ReadSequencesAsync(bus, n), Ct)).ToList();
        var publisher = Task.Run(() => PublishRange(bus, 2, Last, finish: true), Ct);
        readers.Add(Task.Run(() => ReadSequencesAsync(bus, 3), Ct)); // joins while the publisher is running
        await publisher.WithTimeout("the publisher");
        var results = await Task.WhenAll(readers).WithTimeout("every reader to read up to the end");

        foreach (var sequences in results)
        {
            AssertContiguous(sequences, 1, Last);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    protected static ExecutionEvent Event(long executionId, long sequence, bool terminal = false)
    {
        var type = terminal ? ExecutionEventTypes.ExecutionFinished
            : sequence == 1 ? ExecutionEventTypes.ExecutionStarted
            : ExecutionEventTypes.NodeExecutionProgress;
        return new ExecutionEvent(executionId, sequence, type, s_json[type]);
    }

    /// <summary>Publishes events <paramref name="from"/>..<paramref name="to"/>; with <paramref name="finish"/> the last one is executionFinished.</summary>
    protected static void PublishRange(TestEventStore bus, long from, long to, bool finish = false)
    {
        for (var seq = from; seq <= to; seq++)
        {
            bus.Publish(Event(ExecutionId, seq, terminal: finish && seq == to));
        }
    }

    /// <summary>A subscriber that read event 1, then went live and read event 2, and then stopped reading.</summary>
    private static async Task<IAsyncEnumerator<ExecutionEvent>> StalledLiveSubscriberAsync(TestEventStore bus)
    {
        var subscriber = bus.SubscribeAsync(ExecutionId, 0, Ct).GetAsyncEnumerator(Ct);
        (await subscriber.MoveNextAsync()).Should().BeTrue();
        subscriber.Current.Sequence.Should().Be(1);
        var waiting = subscriber.MoveNextAsync();
        waiting.IsCompleted.Should().BeFalse("event 2 has not been published");
        PublishRange(bus, 2, 2);
        (await waiting.AsTask().WithTimeout("the pending MoveNextAsync")).Should().BeTrue();
        subscriber.Current.Sequence.Should().Be(2);
        return subscriber;
    }

    private static async Task<List<long>> ReadSequencesAsync(TestEventStore bus, int yieldEvery)
    {
        var sequences = new List<long>();
        await foreach (var e in bus.SubscribeAsync(ExecutionId, 0, Ct))
        {
            sequences.Add(e.Sequence);
            if (yieldEvery > 0 && sequences.Count % yieldEvery == 0)
            {
                await Task.Yield();
            }
        }

        return sequences;
    }

    private static Task<List<ExecutionEvent>> DrainAsync(IAsyncEnumerator<ExecutionEvent> subscriber)
        => DrainAsync(subscriber, subscriber.MoveNextAsync());

    /// <summary>Reads to the end, starting with an already started <paramref name="pending"/> move.</summary>
    private static async Task<List<ExecutionEvent>> DrainAsync(IAsyncEnumerator<ExecutionEvent> subscriber, ValueTask<bool> pending)
    {
        var events = new List<ExecutionEvent>();
        var more = await pending.AsTask().WithTimeout("the pending MoveNextAsync");
        while (more)
        {
            events.Add(subscriber.Current);
            more = await subscriber.MoveNextAsync().AsTask().WithTimeout("the subscriber's next event");
        }

        return events;
    }

    /// <summary>Reads, starting with an already started <paramref name="pending"/> move, until event <paramref name="untilSequence"/>.</summary>
    private static async Task<List<ExecutionEvent>> DrainUntilAsync(IAsyncEnumerator<ExecutionEvent> subscriber, ValueTask<bool> pending, long untilSequence)
    {
        var events = new List<ExecutionEvent>();
        var more = await pending.AsTask().WithTimeout("the pending MoveNextAsync");
        while (more)
        {
            events.Add(subscriber.Current);
            if (subscriber.Current.Sequence >= untilSequence)
            {
                break;
            }

            more = await subscriber.MoveNextAsync().AsTask().WithTimeout("the subscriber's next event");
        }

        return events;
    }

    private static async Task<(List<ExecutionEvent> Events, ExecutionEventsUnavailableException? Error)> DrainExpectingErrorAsync(IAsyncEnumerator<ExecutionEvent> subscriber)
    {
        var events = new List<ExecutionEvent>();
        try
        {
            while (await subscriber.MoveNextAsync().AsTask().WithTimeout("the subscriber's next event"))
            {
                events.Add(subscriber.Current);
            }
        }
        catch (ExecutionEventsUnavailableException ex)
        {
            return (events, ex);
        }

        return (events, null);
    }

    protected static void AssertContiguous(IReadOnlyList<ExecutionEvent> events, long first, long last, long executionId = ExecutionId)
    {
        AssertContiguous(events.Select(e => e.Sequence).ToList(), first, last);
        events.All(e => e.ExecutionId == executionId).Should().BeTrue("every event should belong to execution {0}", executionId);
        events.Take(Math.Max(0, events.Count - 1)).Any(e => e.IsTerminal).Should().BeFalse("only the last event may be executionFinished");
    }

    /// <summary>Asserts that <paramref name="sequences"/> is exactly first, first+1, …, last: no gap, duplicate or reordering.</summary>
    protected static void AssertContiguous(IReadOnlyList<long> sequences, long first, long last)
    {
        var mismatch = -1;
        for (var i = 0; i < sequences.Count; i++)
        {
            if (sequences[i] != first + i)
            {
                mismatch = i;
                break;
            }
        }

        mismatch.Should().Be(-1, "sequence {0} was expected there but {1} came", mismatch < 0 ? 0 : first + mismatch, mismatch < 0 ? 0 : sequences[mismatch]);
        sequences.Count.Should().Be((int)Math.Max(0, last - first + 1), "the events should run from {0} to {1}", first, last);
    }

    private static byte[] Json(string type, int length = EventBytes)
    {
        var prefix = "{\"type\":\"" + type + "\",\"data\":{\"p\":\"";
        const string Suffix = "\"}}";
        var pad = length - prefix.Length - Suffix.Length;
        var bytes = Encoding.UTF8.GetBytes(prefix + new string('x', pad) + Suffix);
        if (bytes.Length != length)
        {
            throw new InvalidOperationException("Bad test event size.");
        }

        return bytes;
    }
}
