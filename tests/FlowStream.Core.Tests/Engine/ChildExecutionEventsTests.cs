using System.Text.Json;
using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Engine;

/// <summary>
/// The events of a child execution started by <c>executeWorkflow</c>: its <c>executionStarted</c> carries <c>parentExecutionId</c> and
/// <c>parentNodeName</c> from <see cref="ExecutionRequest"/> (published by the engine's runner).
/// </summary>
public class ChildExecutionEventsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChildsExecutionStarted_CarriesParentExecutionIdAndParentNodeName()
    {
        var childWorkflow = new WorkflowBuilder("child").AddNode("In", "manualTrigger").Build();
        var parentWorkflow = new WorkflowBuilder("parent")
            .AddNode("Start", "manualTrigger")
            .AddNode("Run", "executeWorkflow", """{"workflowId":"child"}""")
            .Chain("Start", "Run")
            .Build();
        await using var host = TestEngine.Create(nodes => nodes.AddInMemoryWorkflowStore(childWorkflow));
        var parent = host.Engine.Start(parentWorkflow);
        var events = await host.CollectAsync(parent.Id, cancellationToken: Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var childId = events.Single(e => e.Is(ExecutionEventTypes.NodeExecutionProgress, "Run")).Data.GetProperty("data").GetProperty("childExecutionId").GetInt64();

        var childEvents = await host.CollectAsync(childId, cancellationToken: Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var started = childEvents[0];
        started.Type.Should().Be(ExecutionEventTypes.ExecutionStarted);
        started.Data.GetProperty("parentExecutionId").GetInt64().Should().Be(parent.Id);
        started.Data.GetProperty("parentNodeName").GetString().Should().Be("Run");
        started.Data.GetProperty("mode").GetString().Should().Be("child");
    }

    [Fact]
    public async Task TopLevelExecutionStarted_HasNoParentFields()
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(new WorkflowBuilder("w").AddNode("In", "manualTrigger").Build());

        events[0].Data.TryGetProperty("parentExecutionId", out _).Should().BeFalse();
        events[0].Data.TryGetProperty("parentNodeName", out _).Should().BeFalse();
    }
}
