using System.Runtime.CompilerServices;
using System.Buffers;
using FlowStream.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FlowStream.Events;

/// <summary>
/// The append-only, bounded event log of one execution, read by cursor.
/// </summary>
/// <remarks>
/// <para>Event bytes are copied once into pooled segments; the events themselves (small values) sit in pooled chunks of
/// <see cref="ChunkSize"/> entries. A reader holds only a sequence number: a read returns a slice of a chunk (no copy per
/// reader), and a reader with nothing to read parks until the next append wakes it — once per burst, since waking removes
/// it from the waiters until it has read everything again. The writer never waits for a reader.</para>
/// <para>Retention (events and bytes) moves the first retained sequence forward without touching the storage a reader may be
/// reading; that storage goes back to the pools only when the log is removed and its last reader has left.</para>
/// </remarks>
internal sealed class ExecutionEventLog
{
    internal const int ChunkSize = 256;
    private const int MinSegmentSize = 4 * 1024;
    private const int MaxSegmentSize = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly long _executionId;
    private readonly int _maxEvents;
    private readonly long _maxBytes;
    private readonly int _lagThreshold;
    private readonly FlowStreamMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Queue<EventSegment> _segments = new();
    private readonly List<LogSubscription> _waiters = [];

    private ExecutionEvent[]?[] _chunks = new ExecutionEvent[]?[1];
    private EventSegment? _current;
    private long _first = 1;
    private long _last;
    private long _bytes;
    private bool _completed;
    private int _readers;
    private bool _removed;

    public ExecutionEventLog(long executionId, int maxEvents, long maxBytes, int lagThreshold, FlowStreamMetrics metrics, ILogger logger)
    {
        _executionId = executionId;
        _maxEvents = maxEvents;
        _maxBytes = maxBytes;
        _lagThreshold = lagThreshold;
        _metrics = metrics;
        _logger = logger;
    }

    public long ExecutionId => _executionId;

    public long LastSequence
    {
        get
        {
            lock (_lock)
            {
                return _last;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Append(long sequence, string type, ReadOnlySpan<byte> utf8Json)
    {
        lock (_lock)
        {
            if (_completed)
            {
                throw new InvalidOperationException($"Execution {_executionId} has already published '{ExecutionEventTypes.ExecutionFinished}'; no event can follow it.");
            }

            if (sequence != _last + 1)
            {
                throw new InvalidOperationException($"Event {sequence} of execution {_executionId} does not follow event {_last}.");
            }

            if (_removed)
            {
                throw new InvalidOperationException($"The log of execution {_executionId} was removed.");
            }

            var segment = _current;
            if (segment is null || segment.Buffer.Length - segment.Written < utf8Json.Length)
            {
                var size = segment is null ? MinSegmentSize : Math.Min(segment.Buffer.Length * 2, MaxSegmentSize);
                segment = new EventSegment(ArrayPool<byte>.Shared.Rent(Math.Max(size, utf8Json.Length)));
                _segments.Enqueue(segment);
                _current = segment;
            }

            var offset = segment.Written;
            utf8Json.CopyTo(segment.Buffer.AsSpan(offset));
            segment.Written = offset + utf8Json.Length;
            segment.LastSequence = sequence;

            var chunkIndex = (int)((sequence - 1) / ChunkSize);
            if (chunkIndex == _chunks.Length)
            {
                Array.Resize(ref _chunks, _chunks.Length * 2);
            }

            var chunk = _chunks[chunkIndex] ??= ArrayPool<ExecutionEvent>.Shared.Rent(ChunkSize);
            chunk[(int)((sequence - 1) % ChunkSize)] = new ExecutionEvent(_executionId, sequence, type, segment, offset, utf8Json.Length);
            _last = sequence;
            _bytes += utf8Json.Length;
            _completed = type == ExecutionEventTypes.ExecutionFinished;

            while (_first < _last && (_last - _first + 1 > _maxEvents || _bytes > _maxBytes))
            {
                DropOldest();
            }

            // Wake every parked reader once; with RunContinuationsAsynchronously none of them runs on this thread.
            if (_waiters.Count > 0)
            {
                foreach (var waiter in _waiters)
                {
                    waiter.Wake();
                }

                _waiters.Clear();
            }
        }
    }

    public LogSubscription Open(long afterSequence)
    {
        lock (_lock)
        {
            _readers++;
        }

        _metrics.ReaderOpened();
        return new LogSubscription(this, afterSequence);
    }

    /// <summary>
    /// Takes the events available after <paramref name="subscription"/>'s cursor (up to the end of a chunk), or completion; or parks
    /// the subscription as a waiter and returns <see langword="false"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(LogSubscription subscription, out ReadOnlyMemory<ExecutionEvent> batch)
    {
        lock (_lock)
        {
            var next = subscription.Next;
            if (next < _first)
            {
                throw new ExecutionEventsUnavailableException(_executionId, next, _first);
            }

            if (next <= _last)
            {
                var available = _last - next + 1;
                var offset = (int)((next - 1) % ChunkSize);
                var count = (int)Math.Min(available, ChunkSize - offset);
                batch = new ReadOnlyMemory<ExecutionEvent>(_chunks[(next - 1) / ChunkSize], offset, count);
                subscription.Next = next + count;
                if (available > _lagThreshold)
                {
                    if (!subscription.Lagging)
                    {
                        subscription.Lagging = true;
                        _metrics.SubscriberLagging();
                        Log.SubscriberLagging(_logger, _executionId, next);
                    }
                }
                else if (count == available)
                {
                    subscription.Lagging = false;
                }

                return true;
            }

            if (_completed)
            {
                batch = default;
                return true;
            }

            subscription.Park();
            _waiters.Add(subscription);
            batch = default;
            return false;
        }
    }

    public void Unpark(LogSubscription subscription)
    {
        lock (_lock)
        {
            _waiters.Remove(subscription);
        }
    }

    public void Close(LogSubscription subscription)
    {
        bool release;
        lock (_lock)
        {
            _waiters.Remove(subscription);
            _readers--;
            release = _removed && _readers == 0;
        }

        _metrics.ReaderClosed();
        if (release)
        {
            ReleaseStorage();
        }
    }

    /// <summary>Marks the log removed; its storage goes back to the pools now, or when its last reader leaves.</summary>
    public void Remove()
    {
        bool release;
        lock (_lock)
        {
            if (_removed)
            {
                return;
            }

            _removed = true;
            release = _readers == 0;
        }

        if (release)
        {
            ReleaseStorage();
        }
    }

    private void DropOldest()
    {
        var index = _first - 1;
        var chunk = _chunks[index / ChunkSize]!;
        _bytes -= chunk[(int)(index % ChunkSize)].Length;
        _first++;

        // Storage a reader may still be reading is left to the garbage collector, never reused.
        if ((_first - 1) % ChunkSize == 0)
        {
            _chunks[index / ChunkSize] = null;
        }

        while (_segments.Count > 1 && _segments.Peek().LastSequence < _first)
        {
            _segments.Dequeue();
        }
    }

    private void ReleaseStorage()
    {
        lock (_lock)
        {
            while (_segments.TryDequeue(out var segment))
            {
                segment.Release();
            }

            _current = null;
            for (var i = 0; i < _chunks.Length; i++)
            {
                if (_chunks[i] is { } chunk)
                {
                    ArrayPool<ExecutionEvent>.Shared.Return(chunk, clearArray: true);
                    _chunks[i] = null;
                }
            }
        }
    }
}
