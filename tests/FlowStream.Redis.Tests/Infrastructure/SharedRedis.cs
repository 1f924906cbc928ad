using FlowStream.Redis.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(SharedRedis))]

namespace FlowStream.Redis.Tests.Infrastructure;

/// <summary>One redis-server for the tests that do not stop it; each test keeps to its own key prefix. Started on first use.</summary>
public sealed class SharedRedis : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private Task<RedisServer>? _server;

    public Task<RedisServer> GetAsync()
    {
        RedisServer.RequireBinary();
        lock (_lock)
        {
            return _server ??= RedisServer.StartAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is { IsCompletedSuccessfully: true } started)
        {
            await (await started).DisposeAsync();
        }
    }
}
