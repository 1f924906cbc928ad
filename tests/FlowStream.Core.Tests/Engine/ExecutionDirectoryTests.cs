using FlowStream.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Tests.Engine;

/// <summary>The directory a host without a backplane gets, the id generator seam, and <see cref="WorkflowExecution.Fail"/>.</summary>
public class ExecutionDirectoryTests
{
    private static readonly WorkflowDefinition Gated = new WorkflowBuilder("gated", "Gated").AddNode("Start", "manualTrigger").AddNode("Gate", "gate").Chain("Start", "Gate").Build();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LocalDirectory_FindsControlsAndReadsOutputsOfThisHostsExecutions()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var test = TestEngine.Create(b => b.AddNode("gate", async (context, ct) =>
        {
            await gate.Task.WaitAsync(ct);
            return NodeResult.Success(context.Input);
        }));
        var directory = test.Services.GetRequiredService<IExecutionDirectory>();
        var execution = test.Engine.Start(Gated, new ExecutionRequest { OwnerId = "alice", Mode = "test", InputData = System.Text.Json.JsonDocument.Parse("""{"n": 1}""").RootElement });
        await test.Engine.SubscribeAsync(execution.Id, 0, Ct).FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "Gate", Ct).AsTask().WithTimeout("Gate to start");

        var info = await directory.FindAsync(execution.Id, Ct);
        info.Should().NotBeNull();
        info!.ExecutionId.Should().Be(execution.Id);
        info.WorkflowId.Should().Be("gated");
        info.WorkflowName.Should().Be("Gated");
        info.Mode.Should().Be("test");
        info.OwnerId.Should().Be("alice");
        info.Local.Should().BeSameAs(execution);
        info.IsFinished.Should().BeFalse();
        info.Status.Should().Be(ExecutionStatus.Running);
        var snapshot = await info.GetSnapshotAsync(Ct);
        info.LastSequence.Should().Be(snapshot.LastSequence).And.Be(4);
        snapshot.Nodes.Select(n => n.Status).Should().Equal(NodeExecutionStatus.Success, NodeExecutionStatus.Running);
        (await directory.GetNodeOutputAsync(execution.Id, "Start", Ct))!.Value.GetProperty("n").GetInt32().Should().Be(1);
        (await directory.GetNodeOutputAsync(execution.Id, "Gate", Ct)).Should().BeNull("Gate has no output yet");
        (await directory.GetNodeOutputAsync(execution.Id, "Nope", Ct)).Should().BeNull();

        (await directory.ControlAsync(execution.Id, ExecutionCommand.Pause, Ct)).Should().BeTrue();
        execution.Status.Should().Be(ExecutionStatus.Paused);
        (await directory.ControlAsync(execution.Id, ExecutionCommand.Resume, Ct)).Should().BeTrue();
        execution.Status.Should().Be(ExecutionStatus.Running);
        (await directory.ControlAsync(execution.Id, ExecutionCommand.Cancel, Ct)).Should().BeTrue();
        (await execution.Completion.WithTimeout("the execution to end")).Should().Be(ExecutionStatus.Canceled);

        (await directory.ControlAsync(execution.Id, ExecutionCommand.Cancel, Ct)).Should().BeFalse("it has finished");
        (await directory.FindAsync(execution.Id, Ct))!.IsFinished.Should().BeTrue();
        (await directory.FindAsync(execution.Id + 1, Ct)).Should().BeNull();
        (await directory.ControlAsync(execution.Id + 1, ExecutionCommand.Cancel, Ct)).Should().BeFalse();
    }

    [Fact]
    public async Task Fail_EndsTheExecutionWithThatError_AndIsFalseOnceFinished()
    {
        await using var test = TestEngine.Create(b => b.AddNode("gate", async (context, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return NodeResult.Success(context.Input);
        }));
        var execution = test.Engine.Start(Gated);
        await test.Engine.SubscribeAsync(execution.Id, 0, Ct).FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "Gate", Ct).AsTask().WithTimeout("Gate to start");

        execution.Fail("the backplane lost it").Should().BeTrue();
        (await execution.Completion.WithTimeout("the execution to end")).Should().Be(ExecutionStatus.Error);
        execution.ErrorMessage.Should().Be("the backplane lost it");
        var last = await test.Engine.SubscribeAsync(execution.Id, 0, Ct).LastAsync(Ct).AsTask().WithTimeout("the events");
        last.Data.GetProperty("error").GetProperty("message").GetString().Should().Be("the backplane lost it");
        execution.Fail("again").Should().BeFalse();
        var empty = () => execution.Fail("");
        empty.Should().Throw<ArgumentException>();
    }

    [Fact]
    public async Task IdGenerator_Registered_IsUsed_AndItsRefusalStartsNothing()
    {
        var ids = new ScriptedIds();
        await using var test = TestEngine.Create(configureServices: s => s.AddSingleton<IExecutionIdGenerator>(ids));
        var two = new WorkflowBuilder("two", "Two").AddNode("A", "noOp").AddNode("B", "noOp").Chain("A", "B").Build();

        test.Engine.Start(two).Id.Should().Be(1234);
        ids.Refuse = true;
        var start = () => test.Engine.Start(two);
        start.Should().Throw<ExecutionStoreUnavailableException>().Which.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
        test.Engine.ListExecutions().Should().ContainSingle("the refused start left nothing behind");
        ids.Refuse = false;
        test.Engine.Start(two).Id.Should().Be(1235);
    }

    private sealed class ScriptedIds : IExecutionIdGenerator
    {
        private long _next = 1234;

        public bool Refuse { get; set; }

        public long NextId() => Refuse ? throw new ExecutionStoreUnavailableException("store down", TimeSpan.FromSeconds(7)) : _next++;
    }
}
