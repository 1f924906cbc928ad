using FlowStream.Engine;
using FlowStream.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace FlowStream.Tests.Engine;

public class ExecutionRegistryTests
{
    private static readonly WorkflowDefinition Quick = new WorkflowBuilder("quick").AddNode("A", "noOp").Build();

    [Fact]
    public async Task TryGetExecution_RunningAndFinished_AreFoundWithStatusTimestampsAndNodes()
    {
        var gate = new TaskCompletionSource<NodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b => b.AddNode("gate", (ctx, ct) => new ValueTask<NodeResult>(gate.Task)));
        var execution = host.Engine.Start(new WorkflowBuilder("g").AddNode("G", "gate").Build(), new ExecutionRequest { OwnerId = "bob" });
        await EventRecorder.Start(host.Engine, execution.Id).WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "G");

        host.Engine.TryGetExecution(execution.Id, out var found).Should().BeTrue();
        found.Should().BeSameAs(execution);
        found!.Status.Should().Be(ExecutionStatus.Running);
        found.OwnerId.Should().Be("bob");
        found.StartedAt.Should().Be(TestEngine.StartTime);
        found.FinishedAt.Should().BeNull();

        host.Time.Advance(TimeSpan.FromSeconds(2));
        gate.SetResult(NodeResult.Success(ExecutionEventTestExtensions.Json("""{"ok": true}""")));
        await execution.Completion.WithTimeout("the execution to finish");

        found.Status.Should().Be(ExecutionStatus.Success);
        found.FinishedAt.Should().Be(TestEngine.StartTime.AddSeconds(2));
        var node = found.GetNodeStates().Single();
        node.Name.Should().Be("G");
        node.Status.Should().Be(NodeExecutionStatus.Success);
        node.Output!.Value.GetProperty("ok").GetBoolean().Should().BeTrue();
        node.StartedAt.Should().Be(TestEngine.StartTime);
        node.FinishedAt.Should().Be(TestEngine.StartTime.AddSeconds(2));
        host.Engine.TryGetExecution(12345, out _).Should().BeFalse();
    }

    [Fact]
    public async Task ListExecutions_ReturnsEveryKnownExecutionOldestFirst()
    {
        await using var host = TestEngine.Create();
        var first = host.Engine.Start(Quick);
        var second = host.Engine.Start(Quick);
        await Task.WhenAll(first.Completion, second.Completion).WithTimeout("the executions to finish");
        host.Engine.ListExecutions().Select(e => e.Id).Should().Equal(first.Id, second.Id);
    }

    [Fact]
    public async Task Eviction_FinishedExecutionPastItsTimeToLive_IsForgottenWithItsEvents()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.FinishedExecutionTimeToLive = TimeSpan.FromMinutes(5));
        var execution = host.Engine.Start(Quick);
        await execution.Completion.WithTimeout("the execution to finish");
        var bus = host.Services.GetService(typeof(IExecutionEventReader)) as IExecutionEventReader;

        host.Time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        host.Engine.TryGetExecution(execution.Id, out _).Should().BeTrue();
        host.Time.Advance(TimeSpan.FromSeconds(1));
        host.Engine.TryGetExecution(execution.Id, out _).Should().BeFalse();
        bus!.TryGetLastSequence(execution.Id, out _).Should().BeFalse();
    }

    [Fact]
    public async Task Eviction_SweepTimerEvictsWithoutAnyCall()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.FinishedExecutionTimeToLive = TimeSpan.FromSeconds(30));
        var execution = host.Engine.Start(Quick);
        await execution.Completion.WithTimeout("the execution to finish");
        var bus = (IExecutionEventReader)host.Services.GetService(typeof(IExecutionEventReader))!;
        bus.TryGetLastSequence(execution.Id, out _).Should().BeTrue();
        host.Time.Advance(TimeSpan.FromSeconds(30));
        bus.TryGetLastSequence(execution.Id, out _).Should().BeFalse("the engine's timer swept it");
    }

    [Fact]
    public async Task Eviction_MoreFinishedExecutionsThanAllowed_OldestAreEvicted()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.MaxFinishedExecutions = 2);
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var execution = host.Engine.Start(Quick);
            await execution.Completion.WithTimeout("the execution to finish");
            ids.Add(execution.Id);
        }

        host.Engine.ListExecutions().Select(e => e.Id).Should().Equal(ids[1], ids[2]);
    }

    [Fact]
    public async Task Eviction_RunningExecutionsAreNeverEvicted()
    {
        var gate = new TaskCompletionSource<NodeResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = TestEngine.Create(b => b.AddNode("gate", (ctx, ct) => new ValueTask<NodeResult>(gate.Task)), o => o.MaxFinishedExecutions = 0);
        var running = host.Engine.Start(new WorkflowBuilder("g").AddNode("G", "gate").Build());
        var done = host.Engine.Start(Quick);
        await done.Completion.WithTimeout("the execution to finish");
        host.Time.Advance(TimeSpan.FromHours(1));
        host.Engine.TryGetExecution(running.Id, out _).Should().BeTrue();
        host.Engine.TryGetExecution(done.Id, out _).Should().BeFalse();
        gate.SetResult(NodeResult.Success());
        await running.Completion.WithTimeout("the execution to finish");
    }

    [Fact]
    public void ExecutionIds_AreIncreasingPositiveJavaScriptSafeAndUniqueAcrossRestarts()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        var first = new ExecutionIdGenerator(time);
        var ids = Enumerable.Range(0, 10_000).Select(_ => first.NextId()).ToList();
        ids.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        ids.Should().OnlyContain(id => id > 0 && id <= (1L << 53) - 1);

        // A "restarted process" a millisecond later starts above every id the previous one made at a sane rate.
        time.Advance(TimeSpan.FromMilliseconds(3));
        var restarted = new ExecutionIdGenerator(time);
        restarted.NextId().Should().BeGreaterThan(ids[^1]);
    }

    [Fact]
    public async Task ExecutionIds_ConcurrentStarts_AreUnique()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.MaxFinishedExecutions = 10_000);
        var executions = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => host.Engine.Start(Quick))));
        executions.Select(e => e.Id).Should().OnlyHaveUniqueItems();
        await Task.WhenAll(executions.Select(e => e.Completion)).WithTimeout("the executions to finish");
    }
}
