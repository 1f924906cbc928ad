using System.Runtime.CompilerServices;
using System.Threading.Channels;
using FlowStream.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FlowStream.Events;

/// <summary>
/// The append-only, bounded event log of one execution and its live subscribers.
/// </summary>
/// <remarks>
/// Every subscriber has a bounded channel. <see cref="Append"/> offers each event to the channels of the subscribers
/// that are caught up; when a channel is full the subscriber is marked lagging and gets nothing more from the publisher:
/// once it has drained its channel it reads the missed events from the log and then goes live again. The publisher
/// therefore never waits, and a slow subscriber costs the others nothing.
/// </remarks>
internal sealed class ExecutionLog
{
    private const int InitialCapacity = 64;
    private const int CatchUpBatchSize = 256;

    private readonly Lock _lock = new();
    private readonly long _executionId;
    private readonly int _maxEvents;
    private readonly long _maxBytes;
    private readonly int _subscriberCapacity;
    private readonly ILogger _logger;
    private readonly List<Subscriber> _subscribers = [];

    private ExecutionEvent?[] _ring;
    private int _head;
    private int _count;
    private long _bytes;
    private long _firstSequence = 1;
    private long _lastSequence;
    private bool _completed;
    private TaskCompletionSource? _noSubscribers;

    public ExecutionLog(long executionId, int maxEvents, long maxBytes, int subscriberCapacity, ILogger logger)
    {
        _executionId = executionId;
        _maxEvents = maxEvents;
        _maxBytes = maxBytes;
        _subscriberCapacity = subscriberCapacity;
        _logger = logger;
        _ring = new ExecutionEvent?[Math.Min(InitialCapacity, maxEvents)];
    }

    public long LastSequence
    {
        get
        {
            lock (_lock)
            {
                return _lastSequence;
            }
        }
    }

    /// <summary>Gets how many subscribers are registered for live events (for tests and diagnostics).</summary>
    public int SubscriberCount
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>Completes once no subscriber is registered any more (for tests and diagnostics).</summary>
    public Task WhenNoSubscribersAsync()
    {
        lock (_lock)
        {
            if (_subscribers.Count == 0)
            {
                return Task.CompletedTask;
            }

            _noSubscribers ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _noSubscribers.Task;
        }
    }

    public void Append(ExecutionEvent executionEvent)
    {
        lock (_lock)
        {
            if (_completed)
            {
                throw new InvalidOperationException($"Execution {_executionId} has already published '{ExecutionEventTypes.ExecutionFinished}'; no event can follow it.");
            }

            if (executionEvent.Sequence != _lastSequence + 1)
            {
                throw new InvalidOperationException($"Event {executionEvent.Sequence} of execution {_executionId} does not follow event {_lastSequence}.");
            }

            if (_count == _maxEvents)
            {
                DropOldest();
            }
            else if (_count == _ring.Length)
            {
                Grow();
            }

            _ring[(_head + _count) % _ring.Length] = executionEvent;
            _count++;
            _bytes += executionEvent.Utf8Json.Length;
            while (_bytes > _maxBytes && _count > 1)
            {
                DropOldest();
            }

            _lastSequence = executionEvent.Sequence;
            var terminal = executionEvent.IsTerminal;
            _completed = terminal;

            var subscribers = _subscribers;
            for (var i = 0; i < subscribers.Count; i++)
            {
                var subscriber = subscribers[i];
                if (!subscriber.Lagging && !subscriber.Channel.Writer.TryWrite(executionEvent))
                {
                    subscriber.Lagging = true;
                    FlowStreamTelemetry.SubscribersLagging.Add(1);
                    Log.SubscriberLagging(_logger, _executionId, executionEvent.Sequence);
                }

                if (terminal)
                {
                    subscriber.Channel.Writer.TryComplete();
                }
            }
        }
    }

    public async IAsyncEnumerable<ExecutionEvent> ReadAsync(long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = new Subscriber(Channel.CreateBounded<ExecutionEvent>(new BoundedChannelOptions(_subscriberCapacity)
        {
            SingleReader = true,
            SingleWriter = true, // every write happens under _lock
            FullMode = BoundedChannelFullMode.Wait, // TryWrite fails when full; nothing ever waits
            AllowSynchronousContinuations = false,
        }));
        var reader = subscriber.Channel.Reader;
        ExecutionEvent?[]? batch = null;
        var next = afterSequence + 1;
        var registered = false;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();

                // Catch up from the log, or go live once nothing is left to copy.
                var copied = 0;
                var finished = false;
                var live = false;
                lock (_lock)
                {
                    if (next <= _lastSequence)
                    {
                        if (next < _firstSequence)
                        {
                            throw new ExecutionEventsUnavailableException(_executionId, next, _firstSequence);
                        }

                        // No larger than needed: most subscribers attach near the tail and copy only a few events.
                        copied = (int)Math.Min(CatchUpBatchSize, _lastSequence - next + 1);
                        if (batch is null || batch.Length < copied)
                        {
                            batch = new ExecutionEvent?[copied];
                        }

                        var offset = (int)(next - _firstSequence);
                        for (var i = 0; i < copied; i++)
                        {
                            batch[i] = _ring[(_head + offset + i) % _ring.Length];
                        }
                    }
                    else if (_completed)
                    {
                        finished = true;
                    }
                    else
                    {
                        // Going live again after catching up: whatever is still queued was already read from the log.
                        while (reader.TryRead(out _))
                        {
                        }

                        subscriber.Lagging = false;

                        // A live subscriber, idle most of its life, keeps no catch-up buffer.
                        batch = null;
                        if (!registered)
                        {
                            _subscribers.Add(subscriber);
                            registered = true;
                        }

                        live = true;
                    }
                }

                for (var i = 0; i < copied; i++)
                {
                    var item = batch![i]!;
                    batch[i] = null;
                    next = item.Sequence + 1;
                    yield return item;
                    if (item.IsTerminal)
                    {
                        yield break;
                    }
                }

                if (finished)
                {
                    yield break;
                }

                if (!live)
                {
                    continue;
                }

                // Live: take what the publisher hands over until the channel runs dry and the publisher has marked us lagging.
                while (true)
                {
                    while (reader.TryRead(out var item))
                    {
                        if (item.Sequence < next)
                        {
                            // At or before afterSequence (a subscriber that asked for a future position).
                            continue;
                        }

                        next = item.Sequence + 1;
                        yield return item;
                        if (item.IsTerminal)
                        {
                            yield break;
                        }
                    }

                    if (subscriber.Lagging || !await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            if (registered)
            {
                lock (_lock)
                {
                    _subscribers.Remove(subscriber);
                    if (_subscribers.Count == 0 && _noSubscribers is { } waiting)
                    {
                        _noSubscribers = null;
                        waiting.TrySetResult();
                    }
                }
            }
        }
    }

    private void DropOldest()
    {
        var oldest = _ring[_head]!;
        _ring[_head] = null;
        _head = (_head + 1) % _ring.Length;
        _count--;
        _bytes -= oldest.Utf8Json.Length;
        _firstSequence++;
    }

    private void Grow()
    {
        var larger = new ExecutionEvent?[(int)Math.Min((long)_ring.Length * 2, _maxEvents)];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = larger;
        _head = 0;
    }

    private sealed class Subscriber(Channel<ExecutionEvent> channel)
    {
        public Channel<ExecutionEvent> Channel { get; } = channel;

        public volatile bool Lagging;
    }
}
