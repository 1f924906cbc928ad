using System.Net;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.AspNetCore.Tests;

/// <summary>A store that cannot take executions now (a backplane cut off from Redis) is a 503 with Retry-After, and nothing starts.</summary>
public class StoreUnavailableTests
{
    [Theory]
    [InlineData("/executions")]
    [InlineData("/executions/stream")]
    public async Task Start_WhenTheStoreRefuses_Is503ProblemWithRetryAfter_AndNothingRuns(string path)
    {
        await using var server = await TestServer.StartAsync(b =>
        {
            Flows.Register(b);
            b.Services.AddSingleton<IExecutionIdGenerator>(new RefusingIds());
        });

        using var response = await server.Client.SendAsync(Http.Post(path, """{"flowId": "two"}"""), Api.Ct).WithTimeout("the response");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, ExecutionStreamProblemTypes.StoreUnavailable);
        problem.Detail().Should().Be("Redis is away.");
        problem.GetProperty("retryAfterSeconds").GetInt64().Should().Be(3);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(3));
        server.Engine.ListExecutions().Should().BeEmpty();
    }

    [Fact]
    public async Task Status_WhenTheDirectoryCannotReachTheStore_Is503()
    {
        await using var server = await TestServer.StartAsync(b =>
        {
            Flows.Register(b);
            b.Services.AddSingleton<IExecutionDirectory>(new UnreachableDirectory());
        }, authentication: true);

        // An authenticated caller needs the lookup (to compare owners); an anonymous one without a token is told 404 without any.
        foreach (var request in new[] { Http.Get("/executions/1", "alice"), Http.Get("/executions/1/stream", "alice"), Api.Control("/executions/1/cancel", "alice") })
        {
            using var response = await server.Client.SendAsync(request, Api.Ct).WithTimeout("the response");
            await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, ExecutionStreamProblemTypes.StoreUnavailable);
        }

        using var anonymous = await server.Client.SendAsync(Http.Get("/executions/1"), Api.Ct).WithTimeout("the anonymous response");
        await anonymous.ShouldBeProblemAsync(HttpStatusCode.NotFound, ExecutionStreamProblemTypes.NotFound);
    }

    private sealed class RefusingIds : IExecutionIdGenerator
    {
        public long NextId() => throw new ExecutionStoreUnavailableException("Redis is away.", TimeSpan.FromSeconds(3));
    }

    private sealed class UnreachableDirectory : IExecutionDirectory
    {
        public ValueTask<ExecutionInfo?> FindAsync(long executionId, CancellationToken cancellationToken = default) => throw new ExecutionStoreUnavailableException("Redis is away.");

        public ValueTask<bool> ControlAsync(long executionId, ExecutionCommand command, CancellationToken cancellationToken = default) => throw new ExecutionStoreUnavailableException("Redis is away.");

        public ValueTask<System.Text.Json.JsonElement?> GetNodeOutputAsync(long executionId, string nodeName, CancellationToken cancellationToken = default) => throw new ExecutionStoreUnavailableException("Redis is away.");
    }
}
