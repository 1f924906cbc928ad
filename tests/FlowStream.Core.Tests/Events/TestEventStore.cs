using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Tests.Events;

/// <summary>
/// The writer/reader pair of an event store, as the contract suite drives it. A distributed store publishes in the background:
/// <paramref name="settle"/> waits until what was published is visible to readers on other hosts, and <paramref name="forgotten"/>
/// until a removal is (the in-memory store needs neither). The writer and the reader may belong to different hosts.
/// </summary>
public sealed class TestEventStore(IExecutionEventWriter writer, IExecutionEventReader reader, Func<long, Task>? settle = null, Func<long, Task>? forgotten = null)
{
    public IExecutionEventWriter Writer => writer;

    public IExecutionEventReader Reader => reader;

    /// <summary>Creates the in-memory store through <c>AddFlowStream()</c>, as a host gets it.</summary>
    public static TestEventStore InMemory(Action<FlowStreamOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddFlowStream(configure);
        var provider = services.BuildServiceProvider();
        return new TestEventStore(provider.GetRequiredService<IExecutionEventWriter>(), provider.GetRequiredService<IExecutionEventReader>());
    }

    /// <summary>Appends an event; a distributed store is settled after an execution's last event, so a finished execution is wholly visible.</summary>
    public void Publish(ExecutionEvent executionEvent)
    {
        writer.Append(executionEvent.ExecutionId, executionEvent.Sequence, executionEvent.Type, executionEvent.Utf8Json.Span);
        if (executionEvent.IsTerminal && settle is not null)
        {
            Settle(executionEvent.ExecutionId);
        }
    }

    public IAsyncEnumerable<ExecutionEvent> SubscribeAsync(long executionId, long afterSequence = 0, CancellationToken cancellationToken = default)
        => settle is null ? reader.SubscribeAsync(executionId, afterSequence, cancellationToken) : SettledAsync(executionId, afterSequence, cancellationToken);

    public bool TryGetLastSequence(long executionId, out long lastSequence)
    {
        if (settle is not null)
        {
            Settle(executionId);
        }

        return reader.TryGetLastSequence(executionId, out lastSequence);
    }

    public bool Remove(long executionId)
    {
        var removed = writer.Remove(executionId);
        if (removed)
        {
            if (forgotten is not null)
            {
                Task.Run(() => forgotten(executionId).WithTimeout("the store to forget the execution")).GetAwaiter().GetResult();
            }
        }

        return removed;
    }

    // Off the test's synchronization context: blocking on it would deadlock the continuations.
    private void Settle(long executionId) => Task.Run(() => settle!(executionId).WithTimeout("the store to settle")).GetAwaiter().GetResult();

    private async IAsyncEnumerable<ExecutionEvent> SettledAsync(long executionId, long afterSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await settle!(executionId).WithTimeout("the store to settle");
        await foreach (var e in reader.SubscribeAsync(executionId, afterSequence, cancellationToken))
        {
            yield return e;
        }
    }
}
