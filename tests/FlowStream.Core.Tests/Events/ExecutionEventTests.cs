using System.Text;
using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Events;

/// <summary><see cref="ExecutionEvent"/> itself: its public constructor's checks, and what an evicted event's bytes do.</summary>
public class ExecutionEventTests
{
    private static readonly byte[] Json = Encoding.UTF8.GetBytes("""{"type":"executionStarted","data":{}}""");

    [Fact]
    public void Constructor_RefusesASequenceBelowOneAndAnEmptyType()
    {
        var zero = () => new ExecutionEvent(1, 0, ExecutionEventTypes.ExecutionStarted, Json);
        var empty = () => new ExecutionEvent(1, 1, "", Json);

        zero.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("sequence");
        empty.Should().Throw<ArgumentException>().Which.ParamName.Should().Be("type");
        var ok = new ExecutionEvent(1, 1, ExecutionEventTypes.ExecutionStarted, Json);
        ok.ToString().Should().Be("""{"type":"executionStarted","data":{}}""");
        ok.Detach().Utf8Json.ToArray().Should().Equal(Json);
    }

    [Fact]
    public async Task AnEvictedExecutionsEvents_ThrowObjectDisposed_ButDetachedCopiesLive()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.MaxFinishedExecutions = 0);
        var execution = host.Engine.Start(new WorkflowBuilder("gone").AddNode("A", "noOp").Build());
        var events = new List<ExecutionEvent>();
        var detached = new List<ExecutionEvent>();
        await foreach (var e in host.Engine.SubscribeAsync(execution.Id, 0, TestContext.Current.CancellationToken))
        {
            // Copied while a reader holds the log: valid however long it is kept.
            events.Add(e);
            detached.Add(e.Detach());
        }

        await execution.Completion.WithTimeout("the execution");

        // Evicted at once (MaxFinishedExecutions = 0) and no reader left: its pooled storage went back to the pool.
        host.Engine.TryGetExecution(execution.Id, out _).Should().BeFalse();
        var read = () => events[0].Utf8Json;
        read.Should().Throw<ObjectDisposedException>().Which.Message.Should().Contain("Detach()");
        detached.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, events.Count).Select(i => (long)i));
        Encoding.UTF8.GetString(detached[^1].Utf8Json.Span).Should().Contain("executionFinished");
    }
}
