using FlowStream.Redis.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Benchmarks.Infrastructure;

/// <summary>
/// One FlowStream host on the Redis backplane without a web host: a container as <c>AddFlowStream().AddRedis(...)</c> builds it,
/// its backplane connected and started (its flusher, lease and poll loops running) as the hosted service would.
/// </summary>
internal sealed class RedisBackplaneHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private RedisBackplaneHost(ServiceProvider services)
    {
        _services = services;
        Backplane = services.GetRequiredService<RedisBackplane>();
        Writer = services.GetRequiredService<IExecutionEventWriter>();
        Reader = services.GetRequiredService<IExecutionEventReader>();
    }

    public RedisBackplane Backplane { get; }

    public IExecutionEventWriter Writer { get; }

    public IExecutionEventReader Reader { get; }

    /// <summary>Starts a host on <paramref name="server"/>; hosts that share executions share <paramref name="keyPrefix"/>.</summary>
    public static async Task<RedisBackplaneHost> StartAsync(RedisServer server, string keyPrefix)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFlowStream().AddRedis(o =>
        {
            o.Configuration = server.Configuration;
            o.KeyPrefix = keyPrefix;
            o.PersistDataProtectionKeys = false;
        });
        var host = new RedisBackplaneHost(services.BuildServiceProvider());
        await host.Backplane.StartAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        if (!host.Backplane.IsAvailable)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException($"The backplane did not connect to redis-server on port {server.Port} within 10 s.");
        }

        return host;
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
