using System.Diagnostics.CodeAnalysis;
using FlowStream;
using FlowStream.AspNetCore;
using FlowStream.AspNetCore.Internal;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the FlowStream execution endpoints.</summary>
public static class FlowStreamEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the execution endpoints under <paramref name="pattern"/>: <c>POST {pattern}/stream</c> (start and stream as
    /// Server-Sent Events), <c>GET {pattern}/{id}/stream</c> (attach, resuming after <c>Last-Event-ID</c>), <c>POST {pattern}</c>
    /// (start; 202), <c>GET {pattern}/{id}</c> (status), <c>POST {pattern}/{id}/cancel</c>, <c>/pause</c>, <c>/resume</c>,
    /// <c>GET {pattern}/{id}/nodes/{nodeName}/output</c> (a node's whole output) and <c>POST {pattern}/{id}/tokens</c> (a read-only share token).
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="pattern">The route prefix. Default <c>/executions</c>.</param>
    /// <returns>The group's convention builder, to chain <c>RequireAuthorization()</c>, rate limiting, CORS and the like.</returns>
    /// <exception cref="InvalidOperationException"><c>services.AddFlowStream()</c> was not called.</exception>
    /// <remarks>
    /// Executions belong to the authenticated user (claim <see cref="ExecutionStreamOptions.UserIdClaimType"/>) and to the holders of
    /// their tokens (header <c>FlowStream-Token</c>, query <c>access_token</c>); anybody else, anonymous callers included, gets 404.
    /// Cross-origin browser POSTs get 403 unless their origin is in <see cref="ExecutionStreamOptions.TrustedOrigins"/>.
    /// Errors before a stream opens are RFC 9457 problem details (<see cref="ExecutionStreamProblemTypes"/>). When the host stops,
    /// running executions are canceled, so open streams end after their <c>executionFinished</c>.
    /// </remarks>
    public static IEndpointConventionBuilder MapExecutionStream(this IEndpointRouteBuilder endpoints, [StringSyntax("Route")] string pattern = "/executions")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);

        var services = endpoints.ServiceProvider;
        var engine = services.GetService<IWorkflowEngine>()
            ?? throw new InvalidOperationException(
                "Unable to find the required services. Add them by calling 'services.AddFlowStream()' in the application's service configuration before calling 'MapExecutionStream()'.");
        var options = services.GetService<IOptions<ExecutionStreamOptions>>()?.Value ?? new ExecutionStreamOptions();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("FlowStream.AspNetCore") ?? NullLogger.Instance;
        var timeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System;

        // AddExecutionStream() registers Data Protection; without it, tokens are signed with an in-memory key of this process only.
        var dataProtection = services.GetService<IDataProtectionProvider>() ?? new EphemeralDataProtectionProvider(services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
        var handlers = new ExecutionEndpoints(
            engine,
            services.GetService<IWorkflowStore>(),
            services.GetRequiredService<IExecutionEventBus>(),
            options,
            new ExecutionTokens(dataProtection, timeProvider),
            EventDataLimit(services.GetService<IOptions<FlowStreamOptions>>()?.Value ?? new FlowStreamOptions()),
            timeProvider,
            logger);

        // Stopping the host cancels running executions first, so open streams end (after executionFinished) instead of holding shutdown up.
        services.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(() =>
        {
            var running = engine.ListExecutions().Where(e => !e.IsFinished).ToList();
            if (running.Count > 0)
            {
                Log.CancelingOnShutdown(logger, running.Count);
            }

            foreach (var execution in running)
            {
                execution.Cancel();
            }
        });

        var group = endpoints.MapGroup(pattern);
        group.MapPost("/stream", (RequestDelegate)handlers.StartAndStreamAsync).WithDisplayName("FlowStream: start and stream");
        group.MapPost("/", (RequestDelegate)handlers.StartAsync).WithDisplayName("FlowStream: start");
        group.MapGet("/{id}/stream", (RequestDelegate)handlers.AttachAsync).WithDisplayName("FlowStream: attach to a stream");
        group.MapGet("/{id}", (RequestDelegate)handlers.GetStatusAsync).WithDisplayName("FlowStream: status");
        group.MapPost("/{id}/cancel", context => handlers.ControlAsync(context, static e => e.Cancel(), "canceled")).WithDisplayName("FlowStream: cancel");
        group.MapPost("/{id}/pause", context => handlers.ControlAsync(context, static e => e.Pause(), "paused")).WithDisplayName("FlowStream: pause");
        group.MapPost("/{id}/resume", context => handlers.ControlAsync(context, static e => e.Resume(), "resumed")).WithDisplayName("FlowStream: resume");
        group.MapGet("/{id}/nodes/{nodeName}/output", (RequestDelegate)handlers.GetNodeOutputAsync).WithDisplayName("FlowStream: node output");
        group.MapPost("/{id}/tokens", (RequestDelegate)handlers.CreateShareTokenAsync).WithDisplayName("FlowStream: share token");
        return group;
    }

    /// <summary>The size above which an output is a claim check (in events and in the status summary).</summary>
    // TODO(issue 11 merge): FlowStreamOptions.MaxEventDataBytes, which the engine half of issue 11 adds; 64 KiB is its default.
    private static int EventDataLimit(FlowStreamOptions options)
    {
        _ = options;
        return 64 * 1024;
    }
}
