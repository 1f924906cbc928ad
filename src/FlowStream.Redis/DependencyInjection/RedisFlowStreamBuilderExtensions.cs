using FlowStream;
using FlowStream.Redis;
using FlowStream.Redis.Internal;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Redis backplane to FlowStream.</summary>
public static class RedisFlowStreamBuilderExtensions
{
    /// <summary>
    /// Shares this host's executions through Redis with every host that uses the same Redis and key prefix: any of them streams,
    /// resumes, reads and controls any execution, and ends the executions of a host that was lost. Executions still run on the
    /// host that accepted them; quotas stay per host.
    /// </summary>
    /// <param name="builder">The FlowStream builder.</param>
    /// <param name="configure">Sets the options, at least <see cref="FlowStreamRedisOptions.Configuration"/> unless an
    /// <c>IConnectionMultiplexer</c> is registered.</param>
    /// <returns>The builder.</returns>
    public static FlowStreamBuilder AddRedis(this FlowStreamBuilder builder, Action<FlowStreamRedisOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(RedisBackplane)))
        {
            return builder;
        }

        services.AddOptions<FlowStreamRedisOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FlowStreamRedisOptions>, FlowStreamRedisOptionsValidator>());

        // The local store stays underneath: this host's readers read its own executions without a round trip.
        var localWriter = services.Last(d => d.ServiceType == typeof(IExecutionEventWriter));
        var localReader = services.Last(d => d.ServiceType == typeof(IExecutionEventReader));
        services.RemoveAll<IExecutionEventWriter>();
        services.RemoveAll<IExecutionEventReader>();
        services.AddSingleton(sp => new RedisBackplane(
            sp,
            (IExecutionEventWriter)Resolve(sp, localWriter),
            (IExecutionEventReader)Resolve(sp, localReader),
            sp.GetRequiredService<IOptions<FlowStreamRedisOptions>>().Value,
            sp.GetRequiredService<IOptions<FlowStreamOptions>>().Value,
            new RedisMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<RedisBackplane>>()));
        services.AddSingleton<IExecutionEventWriter>(static sp => sp.GetRequiredService<RedisBackplane>());
        services.AddSingleton<IExecutionEventReader>(static sp => sp.GetRequiredService<RedisBackplane>());
        services.Replace(ServiceDescriptor.Singleton<IExecutionDirectory>(static sp => sp.GetRequiredService<RedisBackplane>()));
        services.Replace(ServiceDescriptor.Singleton<IExecutionIdGenerator>(static sp => sp.GetRequiredService<RedisBackplane>()));
        services.AddHostedService<RedisBackplaneHostedService>();
        services.AddLogging();

        // The Data Protection key ring in Redis: a token minted by one host is accepted by all.
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(static sp => new ConfigureOptions<KeyManagementOptions>(options =>
        {
            if (sp.GetRequiredService<IOptions<FlowStreamRedisOptions>>().Value.PersistDataProtectionKeys)
            {
                var backplane = sp.GetRequiredService<RedisBackplane>();
                options.XmlRepository = new RedisXmlRepository(() => backplane.Connection.Get().GetDatabase(), backplane.Keys.DataProtection);
            }
        }));
        return builder;
    }

    private static object Resolve(IServiceProvider services, ServiceDescriptor descriptor)
        => descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);

    /// <summary>Connects at start (waiting a little for Redis), flushes buffered events at stop.</summary>
    private sealed class RedisBackplaneHostedService(RedisBackplane backplane) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => backplane.StartAsync(TimeSpan.FromSeconds(5), cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => backplane.StopAsync(TimeSpan.FromSeconds(5));
    }
}
