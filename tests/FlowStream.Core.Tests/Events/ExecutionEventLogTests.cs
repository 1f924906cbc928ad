using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using FlowStream.Diagnostics;
using FlowStream.Events;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowStream.Tests.Events;

/// <summary>
/// The in-memory log's own rules, below the contract suite: its refusals and their messages, the lagging flag at its
/// boundaries, the reader count on the meter, storage kept for a reader while the log is removed, a disposed or canceled
/// reader, and the event JSON writer's claim check. Written against the survivors of a Stryker run over Events/ (tests/README.md).
/// </summary>
public sealed class ExecutionEventLogTests
{
    private static readonly byte[] Progress = Encoding.UTF8.GetBytes("""{"type":"nodeExecutionProgress","data":{"n":1}}""");
    private static readonly byte[] Finished = Encoding.UTF8.GetBytes("""{"type":"executionFinished","data":{}}""");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ExecutionEventLog NewLog(int maxEvents = 1_000_000, long maxBytes = 1L << 40, int lagThreshold = 1_024, FlowStreamMetrics? metrics = null)
        => new(7, maxEvents, maxBytes, lagThreshold, metrics ?? new FlowStreamMetrics(), NullLogger.Instance);

    private static void AppendRange(ExecutionEventLog log, long from, long to)
    {
        for (var s = from; s <= to; s++)
        {
            log.Append(s, ExecutionEventTypes.NodeExecutionProgress, Progress);
        }
    }

    private static ReadOnlyMemory<ExecutionEvent> Read(LogSubscription subscription)
    {
        var read = subscription.ReadAsync(TestContext.Current.CancellationToken);
        read.IsCompletedSuccessfully.Should().BeTrue("events are available, so the read completes at once");
        return read.Result;
    }

    // ---- refusals ------------------------------------------------------------------------------------------------

    [Fact]
    public void Append_AfterFinished_Refuses_NamingTheExecutionAndTheEvent()
    {
        var log = NewLog();
        log.Append(1, ExecutionEventTypes.ExecutionFinished, Finished);

        var act = () => log.Append(2, ExecutionEventTypes.NodeExecutionProgress, Progress);

        act.Should().Throw<InvalidOperationException>().WithMessage("Execution 7 has already published 'executionFinished'; no event can follow it.");
        log.LastSequence.Should().Be(1);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void Append_OutOfSequence_Refuses_NamingBothSequenceNumbers(long sequence)
    {
        var log = NewLog();
        AppendRange(log, 1, 1);

        var act = () => log.Append(sequence, ExecutionEventTypes.NodeExecutionProgress, Progress);

        act.Should().Throw<InvalidOperationException>().WithMessage($"Event {sequence} of execution 7 does not follow event 1.");
        log.LastSequence.Should().Be(1);
    }

    [Fact]
    public void Append_AfterRemove_Refuses()
    {
        var log = NewLog();
        AppendRange(log, 1, 1);
        log.Remove();

        var act = () => log.Append(2, ExecutionEventTypes.NodeExecutionProgress, Progress);

        act.Should().Throw<InvalidOperationException>().WithMessage("The log of execution 7 was removed.");
    }

    [Fact]
    public void Store_RefusesALaterEventOfAnUnknownExecution_AndANullType_AndANegativeCursor()
    {
        var store = NewStore();

        var unknown = () => store.Append(9, 2, ExecutionEventTypes.NodeExecutionProgress, Progress);
        var nullType = () => store.Append(9, 1, null!, Progress);
        var negative = () => store.TryOpen(9, -1, out _);

        unknown.Should().Throw<InvalidOperationException>().WithMessage("Event 2 of execution 9 was appended, but the store has no log for that execution*");
        nullType.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("type");
        negative.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("afterSequence");
        store.TryGetLastSequence(9, out var last).Should().BeFalse();
        last.Should().Be(0);
    }

    [Fact]
    public void Store_LastSequence_And_Remove()
    {
        var store = NewStore();
        store.Append(9, 1, ExecutionEventTypes.NodeExecutionProgress, Progress);
        store.Append(9, 2, ExecutionEventTypes.NodeExecutionProgress, Progress);

        store.TryGetLastSequence(9, out var last).Should().BeTrue();
        last.Should().Be(2);
        store.Remove(9).Should().BeTrue();
        store.Remove(9).Should().BeFalse();
        store.TryOpen(9, 0, out var subscription).Should().BeFalse();
        subscription.Should().BeNull();
        store.TryGetLastSequence(9, out _).Should().BeFalse();
    }

    [Fact]
    public async Task SubscribeAsync_UnknownExecution_ThrowsWhenEnumerated_NullReaderAtOnce()
    {
        var store = NewStore();

        var unknown = async () => await store.SubscribeAsync(5, 0, Ct).ToListAsync(Ct);
        var nullReader = () => ((IExecutionEventReader)null!).SubscribeAsync(5);

        (await unknown.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage("The event store has no events of execution 5: it never ran here, or it was evicted.");
        nullReader.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("reader");
    }

    [Fact]
    public void UnavailableException_CarriesItsNumbers_AndEachConstructorsMessage()
    {
        var log = NewLog(maxEvents: 3);
        AppendRange(log, 1, 10);
        var subscription = log.Open(2);

        var read = subscription.ReadAsync(Ct);

        read.IsFaulted.Should().BeTrue();
        var ex = read.AsTask().Exception!.InnerException.Should().BeOfType<ExecutionEventsUnavailableException>().Subject;
        ex.ExecutionId.Should().Be(7);
        ex.NextSequence.Should().Be(3);
        ex.FirstRetainedSequence.Should().Be(8);
        ex.Message.Should().StartWith("Event 3 of execution 7 is no longer retained: the event log now starts at event 8. ")
            .And.Contain("MaxRetainedEventsPerExecution");
        new ExecutionEventsUnavailableException().Message.Should().Be("The requested execution events are no longer retained.");
        var inner = new TimeoutException();
        var wrapped = new ExecutionEventsUnavailableException("m", inner);
        wrapped.Message.Should().Be("m");
        wrapped.InnerException.Should().BeSameAs(inner);
        new ExecutionEventsUnavailableException("only").Message.Should().Be("only");
    }

    // ---- lagging ----------------------------------------------------------------------------------------------------

    [Fact]
    public void Lagging_IsSetAboveTheThreshold_NotAtIt()
    {
        var metrics = new FlowStreamMetrics();
        using var lagging = new MeasurementRecorder(metrics, "flowstream.subscribers.lagging");
        var log = NewLog(lagThreshold: 10, metrics: metrics);
        AppendRange(log, 1, 10);
        var atThreshold = log.Open(0);

        Read(atThreshold).Length.Should().Be(10);

        atThreshold.Lagging.Should().BeFalse("10 events behind is not more than the threshold of 10");
        lagging.Total.Should().Be(0);

        AppendRange(log, 11, 11);
        var above = log.Open(0);
        Read(above).Length.Should().Be(11);
        above.Lagging.Should().BeTrue("11 events behind is more than 10");
        lagging.Total.Should().Be(1);
    }

    [Fact]
    public void Lagging_StaysUntilTheReaderHasReadEverything_ThenClears_AndCountsEachTimeItLagsAgain()
    {
        var metrics = new FlowStreamMetrics();
        using var lagging = new MeasurementRecorder(metrics, "flowstream.subscribers.lagging");
        var log = NewLog(lagThreshold: 400, metrics: metrics);
        AppendRange(log, 1, 600);
        var subscription = log.Open(100);

        // 500 behind: lagging; one read returns up to the end of the first chunk (101..256).
        Read(subscription).Length.Should().Be(ExecutionEventLog.ChunkSize - 100);
        subscription.Lagging.Should().BeTrue();

        // 344 behind (below the threshold) but this read ends at the chunk's end, short of the head: still lagging.
        Read(subscription).Length.Should().Be(ExecutionEventLog.ChunkSize);
        subscription.Lagging.Should().BeTrue("the reader has not caught up yet");

        // The rest: caught up.
        Read(subscription).Length.Should().Be(600 - 2 * ExecutionEventLog.ChunkSize);
        subscription.Lagging.Should().BeFalse();
        lagging.Total.Should().Be(1, "one fall behind is counted once, not per read");

        // Behind again: counted again.
        AppendRange(log, 601, 1_100);
        Read(subscription);
        subscription.Lagging.Should().BeTrue();
        lagging.Total.Should().Be(2);
    }

    // ---- readers and removal ------------------------------------------------------------------------------------

    [Fact]
    public async Task ActiveReaders_CountsOpenAndClose()
    {
        var metrics = new FlowStreamMetrics();
        using var readers = new MeasurementRecorder(metrics, "flowstream.readers.active");
        var log = NewLog(metrics: metrics);
        AppendRange(log, 1, 2);

        var first = log.Open(0);
        var second = log.Open(1);
        readers.Total.Should().Be(2);

        await first.DisposeAsync();
        await first.DisposeAsync();   // twice: counted once
        readers.Total.Should().Be(1);
        await second.DisposeAsync();
        readers.Total.Should().Be(0);
    }

    [Fact]
    public async Task Remove_WhileAReaderReads_KeepsItsEvents_UntilTheLastReaderLeaves()
    {
        var log = NewLog();
        AppendRange(log, 1, 3);
        var first = log.Open(0);
        var second = log.Open(0);
        var events = Read(first).ToArray();

        log.Remove();
        log.Remove();   // a second removal changes nothing

        events.Select(e => e.Sequence).Should().Equal(1, 2, 3);
        Encoding.UTF8.GetString(events[2].Utf8Json.Span).Should().Be(Encoding.UTF8.GetString(Progress), "a reader is still there");
        Read(second).Length.Should().Be(3, "a reader that was open still reads what was retained");

        await first.DisposeAsync();
        Encoding.UTF8.GetString(events[0].Utf8Json.Span).Should().Contain("nodeExecutionProgress", "the second reader is still there");

        await second.DisposeAsync();
        var read = () => events[0].Utf8Json;
        read.Should().Throw<ObjectDisposedException>("the last reader left a removed log: its storage went back to the pool");
        events[0].Length.Should().Be(Progress.Length);
    }

    [Fact]
    public void Remove_WithoutReaders_ReleasesAtOnce()
    {
        var log = NewLog();
        AppendRange(log, 1, 2);
        var subscription = log.Open(0);
        var events = Read(subscription).ToArray();
        subscription.DisposeAsync().IsCompletedSuccessfully.Should().BeTrue();
        events[1].Utf8Json.Length.Should().Be(Progress.Length, "the log is not removed yet");

        log.Remove();

        var read = () => events[1].Utf8Json;
        read.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public async Task ADisposedSubscription_RefusesToRead_AndAParkedReadEndsWithObjectDisposed()
    {
        var log = NewLog();
        AppendRange(log, 1, 1);
        var disposed = log.Open(0);
        await disposed.DisposeAsync();

        var act = () => disposed.ReadAsync(Ct);

        act.Should().Throw<ObjectDisposedException>();

        var parked = log.Open(1);
        var pending = parked.ReadAsync(Ct);
        pending.IsCompleted.Should().BeFalse("nothing is there to read");
        await parked.DisposeAsync();
        var wait = async () => await pending.WithTimeout("the parked read to end");
        await wait.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task ACanceledRead_LeavesTheReaderUsable_AndItIsWokenByTheNextEvent()
    {
        var log = NewLog();
        AppendRange(log, 1, 1);
        var subscription = log.Open(1);
        using var cts = new CancellationTokenSource();

        var already = subscription.ReadAsync(new CancellationToken(canceled: true));
        already.IsCanceled.Should().BeTrue();

        var pending = subscription.ReadAsync(cts.Token);
        pending.IsCompleted.Should().BeFalse();
        await cts.CancelAsync();
        var wait = async () => await pending.WithTimeout("the canceled read to end");
        (await wait.Should().ThrowAsync<OperationCanceledException>()).Which.CancellationToken.Should().Be(cts.Token);

        var next = subscription.ReadAsync(Ct);
        next.IsCompleted.Should().BeFalse();
        AppendRange(log, 2, 3);
        var batch = await next.WithTimeout("the read after a canceled one");
        batch.ToArray().Select(e => e.Sequence).Should().Equal(2, 3);
        subscription.Position.Should().Be(3);
        subscription.ExecutionId.Should().Be(7);
    }

    // ---- the claim check and progress of the JSON writer --------------------------------------------------------

    [Fact]
    public void Data_AtTheLimit_IsInline_OneByteMore_IsAClaimCheck()
    {
        using var doc = JsonDocument.Parse("""{"text":"abcdef"}""");   // 17 bytes
        var atLimit = new EventJsonWriter(3, maxDataBytes: 17);
        var below = new EventJsonWriter(3, maxDataBytes: 16);

        var inline = Encoding.UTF8.GetString(atLimit.NodeProgress(EventJsonWriter.Encode("A"), doc.RootElement));
        var claim = Encoding.UTF8.GetString(below.NodeProgress(EventJsonWriter.Encode("A"), doc.RootElement));

        inline.Should().Be("""{"type":"nodeExecutionProgress","data":{"executionId":3,"nodeName":"A","data":{"text":"abcdef"}}}""");
        claim.Should().Be("""{"type":"nodeExecutionProgress","data":{"executionId":3,"nodeName":"A","dataTruncated":true,"dataBytes":17}}""");
    }

    [Theory]
    [InlineData(0, 0, 100)]
    [InlineData(1, 3, 33)]
    [InlineData(2, 3, 66)]
    [InlineData(3, 3, 100)]
    public void NodeAfter_Percent(int completed, int total, int percent)
    {
        var writer = new EventJsonWriter(3, 1024);
        var json = writer.NodeAfter(new NodeAfterEvent
        {
            NodeName = EventJsonWriter.Encode("A"),
            NodeType = EventJsonWriter.Encode("noOp"),
            Status = "success",
            Completed = completed,
            Total = total,
        });

        using var doc = JsonDocument.Parse(json.ToArray());
        var progress = doc.RootElement.GetProperty("data").GetProperty("progress");
        progress.GetProperty("percent").GetInt32().Should().Be(percent);
        progress.GetProperty("completed").GetInt32().Should().Be(completed);
        progress.GetProperty("total").GetInt32().Should().Be(total);
    }

    [Fact]
    public void PausedAndResumed_AreWrittenWhole()
    {
        var writer = new EventJsonWriter(3, 1024);
        writer.NodeRetry(EventJsonWriter.Encode("A"), 1, "boom", 10);

        Encoding.UTF8.GetString(writer.ExecutionPaused()).Should().Be("""{"type":"executionPaused","data":{"executionId":3}}""");
        Encoding.UTF8.GetString(writer.ExecutionResumed()).Should().Be("""{"type":"executionResumed","data":{"executionId":3}}""");
    }

    [Fact]
    public void ADefaultEvent_IsEmpty_NotAnError()
    {
        var none = default(ExecutionEvent);

        none.ToString().Should().BeEmpty();
        none.Data.ValueKind.Should().Be(JsonValueKind.Undefined);
        none.Length.Should().Be(0);
    }

    [Fact]
    public async Task Lagging_IsLoggedOnceWithTheExecutionAndPosition_ThroughTheStoresLogger()
    {
        var logger = new ListLogger();
        var store = new InMemoryExecutionEventStore(Options.Create(new FlowStreamOptions { SubscriberBufferCapacity = 2 }), new FlowStreamMetrics(), logger);
        for (var s = 1; s <= 5; s++)
        {
            store.Append(9, s, ExecutionEventTypes.NodeExecutionProgress, Progress);
        }

        store.TryOpen(9, 0, out var subscription).Should().BeTrue();
        await using (subscription!)
        {
            (await subscription!.ReadAsync(Ct)).Length.Should().Be(5);
        }

        logger.Lines.Should().Equal("A subscriber of execution 9 fell behind at event 1; it will catch up from the event log.");
        var nullOptions = () => new InMemoryExecutionEventStore(null!, new FlowStreamMetrics());
        nullOptions.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("options");
    }

    private static InMemoryExecutionEventStore NewStore()
        => new(Options.Create(new FlowStreamOptions()), new FlowStreamMetrics(), NullLogger<InMemoryExecutionEventStore>.Instance);

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger<InMemoryExecutionEventStore>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }
    }

    /// <summary>Sums one instrument of exactly this <see cref="FlowStreamMetrics"/>'s meter (no other test's).</summary>
    private sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public MeasurementRecorder(FlowStreamMetrics metrics, string instrument)
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (ReferenceEquals(i.Meter, metrics.Meter) && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
