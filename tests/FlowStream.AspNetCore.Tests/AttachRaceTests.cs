using System.Diagnostics.CodeAnalysis;
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
        RacingReader? racing = null;
        await using var server = await TestServer.StartAsync(b =>
        {
            Flows.Register(b, gates);
            var inner = b.Services.First(d => d.ServiceType == typeof(IExecutionEventReader));
            b.Services.AddSingleton<IExecutionEventReader>(sp => racing = new RacingReader((IExecutionEventReader)inner.ImplementationFactory!(sp)));
        });
        var id = await server.StartAsync("""{"flowId": "gated"}""");
        server.Engine.TryGetExecution(id, out var execution).Should().BeTrue();
        await server.Engine.SubscribeAsync(id, 0, TestContext.Current.CancellationToken)
            .FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "Gate", TestContext.Current.CancellationToken)
            .AsTask().WithTimeout("the gate node to start");

        // The client has events 1..4 (executionStarted, Start's before and after, Gate's before): it attaches after 4. While the
        // endpoint reads the last sequence (4), the gate opens and the execution runs to its end (events 5 to 8).
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

    /// <summary>A reader whose next <c>TryGetLastSequence</c> lets something happen after it has read the value, before it returns.</summary>
    private sealed class RacingReader(IExecutionEventReader inner) : IExecutionEventReader
    {
        public bool TryOpen(long executionId, long afterSequence, [NotNullWhen(true)] out ExecutionEventSubscription? subscription)
            => inner.TryOpen(executionId, afterSequence, out subscription);

        public bool TryGetLastSequence(long executionId, out long lastSequence)
        {
            var found = inner.TryGetLastSequence(executionId, out lastSequence);
            Interlocked.Exchange(ref _pending, null)?.Invoke();
            return found;
        }

        private Action? _pending;

        public void Arm(Action action) => _pending = action;
    }
}
