using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowStream.Events;

/// <summary>The in-process <see cref="IExecutionEventBus"/>: one <see cref="ExecutionLog"/> per execution.</summary>
internal sealed class InMemoryExecutionEventBus : IExecutionEventBus
{
    private readonly ConcurrentDictionary<long, ExecutionLog> _logs = new();
    private readonly FlowStreamOptions _options;
    private readonly ILogger _logger;

    public InMemoryExecutionEventBus(IOptions<FlowStreamOptions> options, ILogger<InMemoryExecutionEventBus>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public void Publish(ExecutionEvent executionEvent)
    {
        ArgumentNullException.ThrowIfNull(executionEvent);
        ExecutionLog log;
        if (executionEvent.Sequence == 1)
        {
            log = _logs.GetOrAdd(executionEvent.ExecutionId, static (id, self) => self.CreateLog(id), this);
        }
        else if (!_logs.TryGetValue(executionEvent.ExecutionId, out log!))
        {
            throw new InvalidOperationException($"Event {executionEvent.Sequence} of execution {executionEvent.ExecutionId} was published, but the bus has no log for that execution (its first event was never published, or it was removed).");
        }

        log.Append(executionEvent);
    }

    public IAsyncEnumerable<ExecutionEvent> SubscribeAsync(long executionId, long afterSequence = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSequence);
        if (!_logs.TryGetValue(executionId, out var log))
        {
            return Unknown(executionId);
        }

        return log.ReadAsync(afterSequence, cancellationToken);
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

    public bool Remove(long executionId) => _logs.TryRemove(executionId, out _);

    /// <summary>Gets how many live subscribers an execution has (for tests and diagnostics).</summary>
    internal int GetSubscriberCount(long executionId) => _logs.TryGetValue(executionId, out var log) ? log.SubscriberCount : 0;

    /// <summary>Completes once an execution has no live subscriber (for tests and diagnostics).</summary>
    internal Task WhenNoSubscribersAsync(long executionId) => _logs.TryGetValue(executionId, out var log) ? log.WhenNoSubscribersAsync() : Task.CompletedTask;

#pragma warning disable CS1998 // an iterator that only throws, lazily, as IAsyncEnumerable callers expect
    private static async IAsyncEnumerable<ExecutionEvent> Unknown(long executionId)
    {
        throw new InvalidOperationException($"The event bus has no events of execution {executionId}: it never ran here, or it was evicted.");
#pragma warning disable CS0162
        yield break;
#pragma warning restore CS0162
    }
#pragma warning restore CS1998

    private ExecutionLog CreateLog(long executionId)
        => new(executionId, _options.MaxRetainedEventsPerExecution, _options.MaxRetainedEventBytesPerExecution, _options.SubscriberBufferCapacity, _logger);
}
