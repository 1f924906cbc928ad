using FlowStream.Events;
using Microsoft.Extensions.Options;

namespace FlowStream.Tests.Events;

public sealed class InMemoryExecutionEventBusTests : ExecutionEventBusContractTests
{
    protected override TestEventStore CreateBus(int maxEvents = 1_000_000, long maxBytes = 1L << 40, int subscriberCapacity = 1_024)
        => TestEventStore.InMemory(o =>
        {
            o.MaxRetainedEventsPerExecution = maxEvents;
            o.MaxRetainedEventBytesPerExecution = maxBytes;
            o.SubscriberBufferCapacity = subscriberCapacity;
        });

    [Fact]
    public void SubscribeAsync_NegativeAfterSequence_ThrowsArgumentOutOfRange()
    {
        var bus = CreateBus();
        PublishRange(bus, 1, 1);

        var act = () => bus.SubscribeAsync(ExecutionId, -1, TestContext.Current.CancellationToken);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task Publish_ByteRetentionSmallerThanOneEvent_KeepsTheLastEvent()
    {
        var bus = CreateBus(maxBytes: 1);
        PublishRange(bus, 1, 5, finish: true);

        var events = await bus.SubscribeAsync(ExecutionId, 4, Ct).ToListAsync(Ct);

        AssertContiguous(events, 5, 5);
    }
}
