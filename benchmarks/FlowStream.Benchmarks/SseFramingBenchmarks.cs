using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.ServerSentEvents;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FlowStream.AspNetCore.Internal;
using FlowStream.Benchmarks.Infrastructure;

namespace FlowStream.Benchmarks;

/// <summary>
/// Issue 6, benchmark 3: framing one event (a typical 330-byte <c>nodeExecutionAfter</c>) as Server-Sent Events into a
/// <see cref="PipeWriter"/>. One operation is one event; each invocation frames 1,000 events. Ours is <c>SseEventWriter</c>;
/// the baseline is <see cref="SseFormatter"/> writing the same bytes through <see cref="PipeWriter.AsStream"/>, over items built
/// beforehand (ids already formatted), so only its framing is measured.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class SseFramingBenchmarks
{
    private const int EventCount = 1_000;

    private readonly DiscardingPipeWriter _writer = new();
    private ExecutionEvent[] _events = [];
    private ArrayAsyncEnumerable<SseItem<ExecutionEvent>> _items = null!;
    private Stream _stream = null!;

    [GlobalSetup]
    public void Setup()
    {
        _events = CreateEvents();
        _items = new ArrayAsyncEnumerable<SseItem<ExecutionEvent>>([.. _events.Select(ToItem)]);
        _stream = _writer.AsStream(leaveOpen: true);

        // Both sides must frame the same event into the same number of bytes (SseFormatter puts the id after the data line).
        var ours = FrameWithSseEventWriter(_events[0]);
        var theirs = FrameWithSseFormatter(_events[0]);
        if (ours.Length != theirs.Length)
        {
            throw new InvalidOperationException($"SseEventWriter wrote {ours.Length} bytes, SseFormatter {theirs.Length}.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    public Task SseFormatterToPipeWriter()
        => SseFormatter.WriteAsync(_items, _stream, static (item, buffer) => buffer.Write(item.Data.Utf8Json.Span), CancellationToken.None);

    [Benchmark(OperationsPerInvoke = EventCount)]
    public long SseEventWriterToPipeWriter()
    {
        var writer = _writer;
        long written = 0;
        foreach (var executionEvent in _events)
        {
            written += SseEventWriter.Write(writer, executionEvent);
        }

        return written;
    }

    internal static byte[] FrameWithSseEventWriter(ExecutionEvent executionEvent)
    {
        using var memory = new MemoryStream();
        var writer = PipeWriter.Create(memory);
        SseEventWriter.Write(writer, executionEvent);
        writer.FlushAsync().AsTask().GetAwaiter().GetResult();
        return memory.ToArray();
    }

    internal static byte[] FrameWithSseFormatter(ExecutionEvent executionEvent)
    {
        using var memory = new MemoryStream();
        SseFormatter.WriteAsync(
            new ArrayAsyncEnumerable<SseItem<ExecutionEvent>>([ToItem(executionEvent)]),
            memory,
            static (item, buffer) => buffer.Write(item.Data.Utf8Json.Span),
            CancellationToken.None).GetAwaiter().GetResult();
        return memory.ToArray();
    }

    private static ExecutionEvent[] CreateEvents()
    {
        var events = new ExecutionEvent[EventCount];
        for (var i = 0; i < events.Length; i++)
        {
            events[i] = new ExecutionEvent(SampleEvents.ExecutionId, 1_000_000 + i, ExecutionEventTypes.NodeExecutionAfter, SampleEvents.NodeExecutionAfterJson(SampleEvents.ExecutionId, 500));
        }

        return events;
    }

    private static SseItem<ExecutionEvent> ToItem(ExecutionEvent executionEvent)
        => new(executionEvent) { EventId = executionEvent.Sequence.ToString(CultureInfo.InvariantCulture) };

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            var sample = CreateEvents()[0];
            var ours = FrameWithSseEventWriter(sample).Length;
            var theirs = FrameWithSseFormatter(sample).Length;
            AddColumn(new FixedValueColumn("Wire bytes/event", "Bytes written per event (the same event for both)", benchmarkCase =>
                benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(SseFormatterToPipeWriter) ? theirs.ToString(CultureInfo.InvariantCulture) : ours.ToString(CultureInfo.InvariantCulture)));
        }
    }
}
