using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.AspNetCore.Tests;

/// <summary>MapExecutionStream's endpoints carry names and response metadata, so OpenAPI can describe them (issue 9).</summary>
public class EndpointNamesTests
{
    [Fact]
    public async Task MapExecutionStream_EveryEndpointHasANameAndItsResponses_EvenWhenMappedTwice()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), configurePipeline: app => app.MapExecutionStream("/api/runs"));

        var endpoints = server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.DisplayName?.StartsWith("FlowStream:", StringComparison.Ordinal) == true)
            .ToList();

        endpoints.Should().HaveCount(18, "nine endpoints, mapped under two patterns");
        var names = endpoints.Select(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName).ToList();
        names.Should().OnlyHaveUniqueItems().And.NotContainNulls();
        names.Should().Contain(["FlowStream.executions.StartAndStream", "FlowStream.api.runs.StartAndStream", "FlowStream.executions.Attach", "FlowStream.executions.Cancel"]);
        var attach = endpoints.Single(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()!.EndpointName == "FlowStream.executions.Attach");
        attach.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>().Select(p => (p.StatusCode, string.Join(",", p.ContentTypes)))
            .Should().Contain([(200, "text/event-stream"), (204, ""), (410, "application/problem+json")]);
    }
}
