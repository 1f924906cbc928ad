using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using FlowStream.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowStream.Events;

/// <summary>The in-process event store: one <see cref="ExecutionEventLog"/> per execution.</summary>
internal sealed class InMemoryExecutionEventStore : IExecutionEventWriter, IExecutionEventReader
{
    private readonly ConcurrentDictionary<long, ExecutionEventLog> _logs = new();
    private readonly FlowStreamOptions _options;
    private readonly FlowStreamMetrics _metrics;
    private readonly ILogger _logger;

    public InMemoryExecutionEventStore(IOptions<FlowStreamOptions> options, FlowStreamMetrics metrics, ILogger<InMemoryExecutionEventStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public void Append(long executionId, long sequence, string type, ReadOnlySpan<byte> utf8Json)
    {
        ArgumentNullException.ThrowIfNull(type);
        ExecutionEventLog? log;
        if (sequence == 1)
        {
            log = _logs.GetOrAdd(executionId, static (id, self) => self.CreateLog(id), this);
        }
        else if (!_logs.TryGetValue(executionId, out log))
        {
            throw new InvalidOperationException($"Event {sequence} of execution {executionId} was appended, but the store has no log for that execution (its first event was never appended, or it was removed).");
        }

        log.Append(sequence, type, utf8Json);
    }

    public bool TryOpen(long executionId, long afterSequence, [NotNullWhen(true)] out ExecutionEventSubscription? subscription)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        if (_logs.TryGetValue(executionId, out var log))
        {
            subscription = log.Open(afterSequence);
            return true;
        }

        subscription = null;
        return false;
    }

    public bool TryGetLastSequence(long executionId, out long lastSequence)
    {
        if (_logs.TryGetValue(executionId, out var log))
        {
            lastSequence = log.LastSequence;
            return true;
        }

        lastSequence = 0;
        return false;
    }

    public bool Remove(long executionId)
    {
        if (_logs.TryRemove(executionId, out var log))
        {
            log.Remove();
            return true;
        }

        return false;
    }

    private ExecutionEventLog CreateLog(long executionId)
        => new(executionId, _options.MaxRetainedEventsPerExecution, _options.MaxRetainedEventBytesPerExecution, _options.SubscriberBufferCapacity, _metrics, _logger);
}
