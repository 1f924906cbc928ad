using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using static FlowStream.AspNetCore.Tests.Infrastructure.Api;

namespace FlowStream.AspNetCore.Tests;

/// <summary>What every problem answer carries besides its status and type, and how an echoed value is cut.</summary>
public class ProblemShapeTests
{
    [Fact]
    public async Task AProblem_NamesTheRequestsPathAsItsInstance_AndCarriesATraceId()
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));

        using var response = await server.Client.SendAsync(Http.Post("/executions", """{"flowId": "missing"}"""), Ct).WithTimeout("the answer");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
        problem.GetProperty("instance").GetString().Should().Be("/executions");
        problem.GetProperty("traceId").GetString().Should().NotBeNullOrWhiteSpace();
        problem.GetProperty("status").GetInt32().Should().Be(404);
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(101, true)]
    public async Task AnEchoedFlowId_IsCutAfter100Characters(int length, bool cut)
    {
        await using var server = await TestServer.StartAsync(b => Flows.Register(b));
        var flowId = new string('f', length);

        using var response = await server.Client.SendAsync(Http.Post("/executions", $$"""{"flowId": "{{flowId}}"}"""), Ct).WithTimeout("the answer");

        var detail = (await response.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound)).Detail();
        detail.Should().Be(cut ? $"Flow '{new string('f', 100)}…' was not found." : $"Flow '{flowId}' was not found.");
    }

    [Fact]
    public void MapExecutionStream_RefusesANullBuilderOrPattern()
    {
        var app = WebApplication.CreateSlimBuilder().Build();

        var nullEndpoints = () => ((IEndpointRouteBuilder)null!).MapExecutionStream();
        var nullPattern = () => app.MapExecutionStream(null!);

        nullEndpoints.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("endpoints");
        nullPattern.Should().Throw<ArgumentNullException>().Which.ParamName.Should().Be("pattern");
    }
}
