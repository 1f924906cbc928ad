using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.AspNetCore.Tests;

/// <summary>
/// Issue 9: a resume racing the end of its execution must still get <c>executionFinished</c>. Attach decides on 204 from
/// "finished?" and "last sequence"; read in the wrong order, the execution could finish between the two reads and a client that
/// had everything but the last events would be told there is nothing more (204) and never see them.
/// </summary>
public class AttachRaceTests
{
    [Fact]
    public async Task Attach_ExecutionFinishesBetweenTheReads_ClientStillGetsTheRestAndExecutionFinished()
    {
        var gates = new Gates();
        RacingDirectory? racing = null;
        await using var server = await TestServer.StartAsync(b =>
        {
            Flows.Register(b, gates);
            var inner = b.Services.First(d => d.ServiceType == typeof(IExecutionDirectory));
            b.Services.AddSingleton<IExecutionDirectory>(sp => racing = new RacingDirectory((IExecutionDirectory)ActivatorUtilities.CreateInstance(sp, inner.ImplementationType!)));
        });
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        server.Engine.TryGetExecution(id, out var execution).Should().BeTrue();
        await server.Engine.SubscribeAsync(id, 0, TestContext.Current.CancellationToken)
            .FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "Gate", TestContext.Current.CancellationToken)
            .AsTask().WithTimeout("the gate node to start");

        // The client has events 1..4 (executionStarted, Start's before and after, Gate's before): it attaches after 4. Right after
        // the endpoint has looked the execution up (running, last event 4), the gate opens and the execution runs to its end
        // (events 5 to 8).
        racing!.Arm(() =>
        {
            gates.Release("Gate");
            execution!.Completion.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("the execution finishes while the endpoint is between its two reads");
        });
        using var response = await server.Client.SendStreamingAsync(Http.Get($"/executions/{id}/stream", lastEventId: "4"));

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "a 204 would tell the client nothing follows, and it would never see executionFinished");
        using var sse = await response.OpenSseAsync();
        var rest = await sse.ReadAllAsync(TestContext.Current.CancellationToken).WithTimeout("the rest of the stream");
        rest.Select(m => m.Id).Should().Equal(5, 6, 7, 8);
        rest[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
    }

    /// <summary>A directory whose next <c>FindAsync</c> lets something happen after it has described the execution, before it returns.</summary>
    private sealed class RacingDirectory(IExecutionDirectory inner) : IExecutionDirectory
    {
        private Action? _pending;

        public async ValueTask<ExecutionInfo?> FindAsync(long executionId, CancellationToken cancellationToken = default)
        {
            var found = await inner.FindAsync(executionId, cancellationToken);
            Interlocked.Exchange(ref _pending, null)?.Invoke();
            return found;
        }

        public ValueTask<bool> ControlAsync(long executionId, ExecutionCommand command, CancellationToken cancellationToken = default)
            => inner.ControlAsync(executionId, command, cancellationToken);

        public ValueTask<System.Text.Json.JsonElement?> GetNodeOutputAsync(long executionId, string nodeName, CancellationToken cancellationToken = default)
            => inner.GetNodeOutputAsync(executionId, nodeName, cancellationToken);

        public void Arm(Action action) => _pending = action;
    }
}
