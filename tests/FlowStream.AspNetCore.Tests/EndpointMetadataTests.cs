using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.AspNetCore.Tests;

/// <summary>What <c>MapExecutionStream()</c> maps: routes, methods and display names (what logs, OpenAPI and diagnostics show).</summary>
public class EndpointMetadataTests
{
    [Fact]
    public async Task MapExecutionStream_MapsTheEndpointsWithTheirNames()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        var endpoints = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Method: e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Single(), Route: e.RoutePattern.RawText, e.DisplayName))
            .ToList();

        endpoints.Should().Contain(new[]
        {
            ("POST", "/executions/stream", "FlowStream: start and stream"),
            ("POST", "/executions/", "FlowStream: start"),
            ("GET", "/executions/{id}/stream", "FlowStream: attach to a stream"),
            ("GET", "/executions/{id}", "FlowStream: status"),
            ("POST", "/executions/{id}/cancel", "FlowStream: cancel"),
            ("POST", "/executions/{id}/pause", "FlowStream: pause"),
            ("POST", "/executions/{id}/resume", "FlowStream: resume"),
        }.Select(e => (Method: e.Item1, Route: (string?)e.Item2, DisplayName: (string?)e.Item3)));
    }
}
