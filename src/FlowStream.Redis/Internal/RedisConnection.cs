using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace FlowStream.Redis.Internal;

/// <summary>
/// The multiplexer the backplane talks through: its own, connected from <see cref="FlowStreamRedisOptions.Configuration"/>
/// (never aborting on a failed connect, so it keeps retrying while Redis is down), or the one registered in the container.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connect;
    private readonly bool _owned;

    public RedisConnection(IServiceProvider services, FlowStreamRedisOptions options, ILogger logger)
    {
        _owned = !string.IsNullOrEmpty(options.Configuration);
        _connect = new Lazy<Task<IConnectionMultiplexer>>(async () =>
        {
            if (!_owned)
            {
                return services.GetService<IConnectionMultiplexer>()
                    ?? throw new InvalidOperationException("FlowStream.Redis needs FlowStreamRedisOptions.Configuration or an IConnectionMultiplexer registered in the container.");
            }

            var configuration = ConfigurationOptions.Parse(options.Configuration!);
            configuration.AbortOnConnectFail = false;
            configuration.ClientName ??= "flowstream";
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            Log.Connecting(logger, multiplexer.IsConnected);
            return multiplexer;
        });
    }

    public Task<IConnectionMultiplexer> GetAsync() => _connect.Value;

    /// <summary>Gets the multiplexer, waiting for the first connection attempt only once per process.</summary>
    public IConnectionMultiplexer Get() => _connect.Value.GetAwaiter().GetResult();

    /// <summary>Gets the multiplexer when it exists, without connecting.</summary>
    public IConnectionMultiplexer? Current => _connect.IsValueCreated && _connect.Value.IsCompletedSuccessfully ? _connect.Value.Result : null;

    public bool IsConnected => Current?.IsConnected == true;

    public async ValueTask DisposeAsync()
    {
        if (_owned && Current is { } multiplexer)
        {
            await multiplexer.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
            multiplexer.Dispose();
        }
    }
}
