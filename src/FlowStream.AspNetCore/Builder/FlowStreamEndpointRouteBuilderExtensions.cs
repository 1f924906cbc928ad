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
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IHostApplicationLifetime, IWorkflowEngine> s_shutdownHooks = [];

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
    /// running executions are canceled, so open streams end after their <c>executionFinished</c>; a stream of an execution that runs
    /// on another host (a shared store such as Redis) ends at once, without it, and its client re-attaches with <c>Last-Event-ID</c>.
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
        var lifetime = services.GetService<IHostApplicationLifetime>();
        var handlers = new ExecutionEndpoints(
            engine,
            services.GetService<IWorkflowStore>(),
            services.GetRequiredService<IExecutionDirectory>(),
            services.GetRequiredService<IExecutionEventReader>(),
            options,
            new ExecutionTokens(dataProtection, timeProvider),
            EventDataLimit(services.GetService<IOptions<FlowStreamOptions>>()?.Value ?? new FlowStreamOptions()),
            timeProvider,
            logger,
            lifetime?.ApplicationStopping ?? CancellationToken.None);

        // Stopping the host cancels running executions first, so open streams end (after executionFinished) instead of holding
        // shutdown up; streams of executions that run on another host (a shared store) end at once, and their clients re-attach
        // elsewhere. Registered once per host, however many times MapExecutionStream is called.
        if (lifetime is not null && s_shutdownHooks.TryAdd(lifetime, engine))
        {
            lifetime.ApplicationStopping.Register(() =>
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
        }

        // Endpoint names carry the pattern, so a host may map two groups; Produces metadata lets OpenAPI describe the endpoints.
        var group = endpoints.MapGroup(pattern);
        var prefix = "FlowStream" + pattern.TrimEnd('/').Replace('/', '.');
        group.MapPost("/stream", (RequestDelegate)handlers.StartAndStreamAsync).WithDisplayName("FlowStream: start and stream")
            .WithName(prefix + ".StartAndStream").WithMetadata(Produces(StatusCodes.Status200OK, "text/event-stream"))
            .WithMetadata(Produces(StatusCodes.Status400BadRequest, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status404NotFound, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status413PayloadTooLarge, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status429TooManyRequests, "application/problem+json"));
        group.MapPost("/", (RequestDelegate)handlers.StartAsync).WithDisplayName("FlowStream: start")
            .WithName(prefix + ".Start").WithMetadata(Produces(StatusCodes.Status202Accepted, "application/json"))
            .WithMetadata(Produces(StatusCodes.Status400BadRequest, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status404NotFound, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status413PayloadTooLarge, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status429TooManyRequests, "application/problem+json"));
        group.MapGet("/{id}/stream", (RequestDelegate)handlers.AttachAsync).WithDisplayName("FlowStream: attach to a stream")
            .WithName(prefix + ".Attach").WithMetadata(Produces(StatusCodes.Status200OK, "text/event-stream")).WithMetadata(Produces(StatusCodes.Status204NoContent, null))
            .WithMetadata(Produces(StatusCodes.Status400BadRequest, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status404NotFound, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status410Gone, "application/problem+json"));
        group.MapGet("/{id}", (RequestDelegate)handlers.GetStatusAsync).WithDisplayName("FlowStream: status")
            .WithName(prefix + ".Status").WithMetadata(Produces(StatusCodes.Status200OK, "application/json")).WithMetadata(Produces(StatusCodes.Status404NotFound, "application/problem+json"));
        group.MapPost("/{id}/cancel", context => handlers.ControlAsync(context, ExecutionCommand.Cancel, "canceled")).WithDisplayName("FlowStream: cancel")
            .WithName(prefix + ".Cancel").WithMetadata(Produces(StatusCodes.Status202Accepted, "application/json")).WithMetadata(Produces(StatusCodes.Status404NotFound, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status409Conflict, "application/problem+json"));
        group.MapPost("/{id}/pause", context => handlers.ControlAsync(context, ExecutionCommand.Pause, "paused")).WithDisplayName("FlowStream: pause")
            .WithName(prefix + ".Pause").WithMetadata(Produces(StatusCodes.Status202Accepted, "application/json")).WithMetadata(Produces(StatusCodes.Status404NotFound, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status409Conflict, "application/problem+json"));
        group.MapPost("/{id}/resume", context => handlers.ControlAsync(context, ExecutionCommand.Resume, "resumed")).WithDisplayName("FlowStream: resume")
            .WithName(prefix + ".Resume").WithMetadata(Produces(StatusCodes.Status202Accepted, "application/json")).WithMetadata(Produces(StatusCodes.Status404NotFound, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status409Conflict, "application/problem+json"));
        group.MapGet("/{id}/nodes/{nodeName}/output", (RequestDelegate)handlers.GetNodeOutputAsync).WithDisplayName("FlowStream: node output")
            .WithName(prefix + ".NodeOutput").WithMetadata(Produces(StatusCodes.Status200OK, "application/json")).WithMetadata(Produces(StatusCodes.Status404NotFound, "application/problem+json"));
        group.MapPost("/{id}/tokens", (RequestDelegate)handlers.CreateShareTokenAsync).WithDisplayName("FlowStream: share token")
            .WithName(prefix + ".ShareToken").WithMetadata(Produces(StatusCodes.Status200OK, "application/json")).WithMetadata(Produces(StatusCodes.Status400BadRequest, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status403Forbidden, "application/problem+json")).WithMetadata(Produces(StatusCodes.Status404NotFound, "application/problem+json"));
        return group;
    }

    /// <summary>The size above which an output is a claim check (in events and in the status summary).</summary>
    private static int EventDataLimit(FlowStreamOptions options) => options.MaxEventDataBytes;

    private static Microsoft.AspNetCore.Http.ProducesResponseTypeMetadata Produces(int statusCode, string? contentType)
        => new(statusCode, typeof(void), contentType is null ? [] : [contentType]);
}
