using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Tests.Events;

/// <summary>The writer/reader pair of an event store, as the contract suite drives it.</summary>
public sealed class TestEventStore(IExecutionEventWriter writer, IExecutionEventReader reader)
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

    public void Publish(ExecutionEvent executionEvent) => writer.Append(executionEvent.ExecutionId, executionEvent.Sequence, executionEvent.Type, executionEvent.Utf8Json.Span);

    public IAsyncEnumerable<ExecutionEvent> SubscribeAsync(long executionId, long afterSequence = 0, CancellationToken cancellationToken = default)
        => reader.SubscribeAsync(executionId, afterSequence, cancellationToken);

    public bool TryGetLastSequence(long executionId, out long lastSequence) => reader.TryGetLastSequence(executionId, out lastSequence);

    public bool Remove(long executionId) => writer.Remove(executionId);
}
