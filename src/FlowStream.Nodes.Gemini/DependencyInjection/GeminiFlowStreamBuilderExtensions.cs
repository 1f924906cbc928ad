using FlowStream;
using FlowStream.Nodes.Gemini;
using FlowStream.Nodes.Gemini.DependencyInjection;
using FlowStream.Nodes.Gemini.Node;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Gemini node with FlowStream.</summary>
public static class GeminiFlowStreamBuilderExtensions
{
    /// <summary>How long pooled connections of the long-lived client live, so DNS changes are picked up.</summary>
    private static readonly TimeSpan s_pooledConnectionLifetime = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Registers the <c>gemini</c> node type, <see cref="GeminiChatClient"/> as a typed <see cref="HttpClient"/> client, the keyed
    /// <see cref="IChatClient"/> <c>"gemini"</c> the node talks to (unless one is registered already), and <see cref="GeminiOptions"/>.
    /// Calling it again is harmless: it only adds the options configuration it is given.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddFlowStream()</c>.</param>
    /// <param name="configure">Configures <see cref="GeminiOptions"/>; optional. It runs after the configuration section is bound.</param>
    /// <returns>The builder.</returns>
    /// <remarks>
    /// <para>
    /// The options are bound from the configuration section <c>FlowStream:Gemini</c> when an <c>IConfiguration</c> is registered (as
    /// every .NET host does), then <paramref name="configure"/> runs; they are validated at start-up. The API key falls back to the
    /// <c>GEMINI_API_KEY</c> environment variable, read at each request.
    /// </para>
    /// <para>
    /// The keyed chat client is a singleton, so its <see cref="HttpClient"/> uses one <see cref="SocketsHttpHandler"/> whose pooled
    /// connections are recycled every 2 minutes (the handler itself is never rotated) and which never follows a redirect (a 3xx is a
    /// failed request), so the key header cannot be carried to another host. Further configure that named client with
    /// <c>services.AddHttpClient(GeminiChatClient.HttpClientName)</c>, for example to add a message handler. The client takes
    /// <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> from the container.
    /// </para>
    /// </remarks>
    public static FlowStreamBuilder AddGemini(this FlowStreamBuilder builder, Action<GeminiOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var firstCall = !services.Any(static d => d.ServiceType == typeof(GeminiMarker));
        if (firstCall)
        {
            services.AddSingleton<GeminiMarker>();
            services.AddOptions<GeminiOptions>().ValidateOnStart();
            services.AddSingleton<IConfigureOptions<GeminiOptions>, GeminiConfigurationSetup>();
            services.AddSingleton(GeminiConfigurationSetup.CreateChangeTokenSource);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GeminiOptions>, GeminiOptionsValidator>());
            services.TryAddSingleton(TimeProvider.System);

            services.AddHttpClient(GeminiChatClient.HttpClientName)
                .ConfigureHttpClient(static http => http.Timeout = Timeout.InfiniteTimeSpan)
                // No redirects: the x-goog-api-key header must never follow one to another host.
                .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler { PooledConnectionLifetime = s_pooledConnectionLifetime, AllowAutoRedirect = false })
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
                .AddTypedClient(CreateClient);
            services.TryAddKeyedSingleton<IChatClient>(GeminiNode.ChatClientKey, static (sp, _) => sp.GetRequiredService<GeminiChatClient>());
            builder.AddNode<GeminiNodeHandler>(GeminiNode.Type);
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }

    private static GeminiChatClient CreateClient(HttpClient httpClient, IServiceProvider services) => new(
        httpClient,
        services.GetRequiredService<IOptionsMonitor<GeminiOptions>>(),
        services.GetService<TimeProvider>() ?? TimeProvider.System,
        services.GetService<ILoggerFactory>()?.CreateLogger<GeminiChatClient>() ?? (ILogger)NullLogger.Instance);

    /// <summary>Marks a service collection that <see cref="AddGemini"/> has already set up.</summary>
    private sealed class GeminiMarker;
}
