using Microsoft.Extensions.DependencyInjection;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using FlowStream.Benchmarks.Infrastructure;
using FlowStream.Events;
using Microsoft.Extensions.Options;

namespace FlowStream.Benchmarks;

/// <summary>
/// Issue 6, benchmark 1: one publisher, 1, 10 or 100 live subscribers. One operation is one event published and delivered to
/// every subscriber, so the time per operation gives events/s and "Allocated" the bytes allocated per event.
/// </summary>
/// <remarks>
/// The events are created once and published again for every invocation (under the same execution id, whose log is removed
/// afterwards), so the allocations measured are the bus's own. Each invocation starts a fresh log, as every execution does, so
/// the amortized growth of its ring buffer is included. Subscribers are registered live before the publisher starts.
/// </remarks>
[MemoryDiagnoser]
public class EventBusBenchmarks
{
    private const int EventCount = 20_000;

    private ExecutionEvent[] _events = [];
    private IExecutionEventWriter _writer = null!;
    private IExecutionEventReader _reader = null!;

    /// <summary>Gets or sets how many subscribers receive every event.</summary>
    [Params(1, 10, 100)]
    public int Subscribers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _events = SampleEvents.Stream(SampleEvents.ExecutionId, EventCount);
        var services = new ServiceCollection().AddFlowStream().Services.BuildServiceProvider();
        _writer = services.GetRequiredService<IExecutionEventWriter>();
        _reader = services.GetRequiredService<IExecutionEventReader>();
    }

    /// <summary>The floor: one unbounded single-reader, single-writer <see cref="Channel{T}"/> per subscriber, moving the same objects.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    public async Task<long> RawChannel()
    {
        var channels = new Channel<ExecutionEvent>[Subscribers];
        var consumers = new Task<long>[Subscribers];
        for (var s = 0; s < Subscribers; s++)
        {
            var channel = Channel.CreateUnbounded<ExecutionEvent>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            channels[s] = channel;
            consumers[s] = Task.Run(() => ConsumeAsync(channel.Reader));
        }

        var events = _events;
        for (var i = 0; i < events.Length; i++)
        {
            var item = events[i];
            for (var s = 0; s < channels.Length; s++)
            {
                channels[s].Writer.TryWrite(item);
            }
        }

        for (var s = 0; s < channels.Length; s++)
        {
            channels[s].Writer.TryComplete();
        }

        return Check(await Task.WhenAll(consumers));
    }

    /// <summary>FlowStream's in-memory event store: <c>Append</c> with every reader following the log by cursor, reading in batches.</summary>
    [Benchmark(OperationsPerInvoke = EventCount)]
    public async Task<long> Bus()
    {
        var writer = _writer;
        var events = _events;
        var executionId = events[0].ExecutionId;
        Append(writer, events[0]);
        var consumers = new Task<long>[Subscribers];
        for (var s = 0; s < Subscribers; s++)
        {
            // Live delivery is what is measured: every reader is open before the publisher goes on.
            _reader.TryOpen(executionId, 0, out var subscription);
            consumers[s] = Task.Run(() => ConsumeAsync(subscription!));
        }

        for (var i = 1; i < events.Length; i++)
        {
            Append(writer, events[i]);
        }

        var received = Check(await Task.WhenAll(consumers));
        writer.Remove(executionId);
        return received;
    }

    private static void Append(IExecutionEventWriter writer, ExecutionEvent e) => writer.Append(e.ExecutionId, e.Sequence, e.Type, e.Utf8Json.Span);

    private static async Task<long> ConsumeAsync(ExecutionEventSubscription subscription)
    {
        long count = 0;
        await using (subscription)
        {
            while (true)
            {
                var batch = await subscription.ReadAsync();
                if (batch.IsEmpty)
                {
                    return count;
                }

                count += batch.Length;
            }
        }
    }

    private static async Task<long> ConsumeAsync(ChannelReader<ExecutionEvent> reader)
    {
        long count = 0;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out _))
            {
                count++;
            }
        }

        return count;
    }

    private static async Task<long> ConsumeAsync(IAsyncEnumerable<ExecutionEvent> events)
    {
        long count = 0;
        await foreach (var _ in events)
        {
            count++;
        }

        return count;
    }

    private static long Check(long[] received)
    {
        long total = 0;
        foreach (var count in received)
        {
            if (count != EventCount)
            {
                throw new InvalidOperationException($"A subscriber received {count} events, not {EventCount}.");
            }

            total += count;
        }

        return total;
    }
}
