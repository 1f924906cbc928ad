using FlowStream.Redis.Internal;
using FlowStream.Redis.Tests.Infrastructure;
using FlowStream.Tests.Events;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Redis.Tests.Contract;

/// <summary>
/// The event store contract against Redis, across hosts: events are written by one host's store and read by another's (two
/// containers, two connections, one real redis-server), so every read goes through Redis and none through a local log.
/// </summary>
public sealed class RedisEventStoreContractTests(SharedRedis redis) : ExecutionEventBusContractTests, IAsyncDisposable
{
    private readonly List<ServiceProvider> _hosts = [];

    protected override TestEventStore CreateBus(int maxEvents = 1_000_000, long maxBytes = 1L << 40, int subscriberCapacity = 1_024)
    {
        // CreateBus is synchronous: the async work runs off the test's synchronization context, which blocking would deadlock.
        var server = Task.Run(() => redis.GetAsync().WithTimeout("redis-server to start")).GetAwaiter().GetResult();
        var prefix = $"contract-{Guid.NewGuid():N}:";
        var writer = Host(server, prefix, maxEvents, maxBytes, subscriberCapacity);
        var reader = Host(server, prefix, maxEvents, maxBytes, subscriberCapacity);
        return new TestEventStore(
            writer.GetRequiredService<IExecutionEventWriter>(),
            reader.GetRequiredService<IExecutionEventReader>(),
            settle: id => writer.GetRequiredService<RedisBackplane>().FlushAsync(id, TestContext.Current.CancellationToken),
            forgotten: id => writer.GetRequiredService<RedisBackplane>().WhenRemovedAsync(id));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    private ServiceProvider Host(RedisServer server, string prefix, int maxEvents, long maxBytes, int subscriberCapacity)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFlowStream(o =>
        {
            o.MaxRetainedEventsPerExecution = maxEvents;
            o.MaxRetainedEventBytesPerExecution = maxBytes;
            o.SubscriberBufferCapacity = subscriberCapacity;
        }).AddRedis(o =>
        {
            o.Configuration = server.Configuration;
            o.KeyPrefix = prefix;
        });
        var provider = services.BuildServiceProvider();
        _hosts.Add(provider);
        var backplane = provider.GetRequiredService<RedisBackplane>();
        Task.Run(() => backplane.StartAsync(TimeSpan.FromSeconds(10), CancellationToken.None).WithTimeout("the backplane to connect")).GetAwaiter().GetResult();
        return provider;
    }
}
