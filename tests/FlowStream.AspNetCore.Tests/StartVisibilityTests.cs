using System.Net;
using System.Text.Json;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.AspNetCore.Tests;

/// <summary>
/// Behind a load balancer a client may come back through another instance as soon as it has an execution's id, so a start
/// answers only once the directory says every instance can find the execution (<see cref="IExecutionDirectory.WaitUntilVisibleAsync"/>).
/// </summary>
public class StartVisibilityTests
{
    [Theory]
    [InlineData("/executions")]
    [InlineData("/executions/stream")]
    public async Task Start_AnswersOnlyAfterTheDirectoryMadeTheExecutionVisible(string path)
    {
        var directory = new GatedDirectory();
        await using var server = await TestServer.StartAsync(b =>
        {
            Flows.Register(b);
            var inner = b.Services.First(d => d.ServiceType == typeof(IExecutionDirectory));
            b.Services.AddSingleton<IExecutionDirectory>(sp => directory.Over((IExecutionDirectory)ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)));
        });

        var response = server.Client.SendAsync(Http.Post(path, """{"flowId": "two"}"""), HttpCompletionOption.ResponseHeadersRead, Api.Ct);
        var first = await Task.WhenAny(directory.Asked.Task, response).WithTimeout("the start to ask the directory, or to answer");

        first.Should().BeSameAs(directory.Asked.Task, "the id must not go out before the execution is visible everywhere");
        response.IsCompleted.Should().BeFalse("the directory has not said yes yet");
        directory.Release.SetResult();
        using var answered = await response.WithTimeout("the start's answer");
        answered.StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Accepted);
        answered.Headers.GetValues("X-Execution-Id").Single().Should().Be((await directory.Asked.Task).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Start_AClientThatLeavesWhileWaiting_LeavesTheExecutionRunning()
    {
        var directory = new GatedDirectory();
        await using var server = await TestServer.StartAsync(b =>
        {
            Flows.Register(b);
            var inner = b.Services.First(d => d.ServiceType == typeof(IExecutionDirectory));
            b.Services.AddSingleton<IExecutionDirectory>(sp => directory.Over((IExecutionDirectory)ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)));
        });
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Api.Ct);

        var response = server.Client.SendAsync(Http.Post("/executions", """{"flowId": "two"}"""), leave.Token);
        var id = await directory.Asked.Task.WithTimeout("the start to ask the directory");
        await leave.CancelAsync();
        var act = async () => await response;
        await act.Should().ThrowAsync<OperationCanceledException>();

        server.Engine.TryGetExecution(id, out var execution).Should().BeTrue();
        (await execution!.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Success);
    }

    [Fact]
    public async Task TheLocalDirectory_IsVisibleAtOnce()
    {
        await using var services = new ServiceCollection().AddFlowStream().Services.BuildServiceProvider();

        var wait = services.GetRequiredService<IExecutionDirectory>().WaitUntilVisibleAsync(1, Api.Ct);

        wait.IsCompletedSuccessfully.Should().BeTrue();
    }

    /// <summary>The host's own directory, but <see cref="WaitUntilVisibleAsync"/> waits until the test releases it.</summary>
    private sealed class GatedDirectory : IExecutionDirectory
    {
        private IExecutionDirectory? _inner;

        public TaskCompletionSource<long> Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IExecutionDirectory Over(IExecutionDirectory inner)
        {
            _inner = inner;
            return this;
        }

        public async ValueTask WaitUntilVisibleAsync(long executionId, CancellationToken cancellationToken = default)
        {
            Asked.TrySetResult(executionId);
            await Release.Task.WaitAsync(cancellationToken);
        }

        public ValueTask<ExecutionInfo?> FindAsync(long executionId, CancellationToken cancellationToken = default) => _inner!.FindAsync(executionId, cancellationToken);

        public ValueTask<bool> ControlAsync(long executionId, ExecutionCommand command, CancellationToken cancellationToken = default) => _inner!.ControlAsync(executionId, command, cancellationToken);

        public ValueTask<JsonElement?> GetNodeOutputAsync(long executionId, string nodeName, CancellationToken cancellationToken = default) => _inner!.GetNodeOutputAsync(executionId, nodeName, cancellationToken);
    }
}
