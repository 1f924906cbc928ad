using System.Text.Json;
using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Nodes;

/// <summary>The <c>executeWorkflow</c> node: a stored workflow run as a child execution.</summary>
public class ExecuteWorkflowNodeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly WorkflowDefinition Child = new WorkflowBuilder("child", "Child")
        .AddNode("In", "manualTrigger")
        .AddNode("Shape", "set", """{"values":{"greeting":"Hello {{ $json.name }}"}}""")
        .AddNode("Last", "set", """{"values":{"done":true}}""")
        .Chain("In", "Shape", "Last")
        .Build();

    [Fact]
    public async Task Runs_TheStoredWorkflow_AndOutputsItsLastNodesOutput()
    {
        await using var host = Create(Child);

        var events = await host.RunAsync(Parent("child"), """{"name":"Ada"}""");

        events.StatusOf("Run").Should().Be("success");
        events.OutputOf("Run").Should().Be("""{"name":"Ada","greeting":"Hello Ada","done":true}""");
        events.FinishedStatus().Should().Be("success");
    }

    [Fact]
    public async Task InputDataParameter_IsTheChildsInputData()
    {
        await using var host = Create(Child);
        var workflow = new WorkflowBuilder("parent")
            .AddNode("Start", "manualTrigger")
            .AddNode("Run", "executeWorkflow", """{"workflowId":"child","inputData":{"name":"{{ $json.other }}"}}""")
            .Chain("Start", "Run")
            .Build();

        var events = await host.RunAsync(workflow, """{"name":"Ada","other":"Grace"}""");

        events.OutputOf("Run").Should().Be("""{"name":"Grace","greeting":"Hello Grace","done":true}""");
    }

    [Fact]
    public async Task ReportsTheChildsId_AsProgress_AndTheChildHasTheSameOwner()
    {
        await using var host = Create(Child);
        var parent = host.Engine.Start(Parent("child"), new ExecutionRequest { OwnerId = "alice", InputData = Json("""{"name":"Ada"}""") });

        var events = await host.CollectAsync(parent.Id, cancellationToken: Ct).WaitAsync(TimeSpan.FromSeconds(30), Ct);

        var progress = events.Single(e => e.Is(ExecutionEventTypes.NodeExecutionProgress, "Run")).Data.GetProperty("data");
        progress.GetProperty("workflowId").GetString().Should().Be("child");
        var childId = progress.GetProperty("childExecutionId").GetInt64();
        childId.Should().NotBe(parent.Id);
        host.Engine.TryGetExecution(childId, out var child).Should().BeTrue();
        child!.OwnerId.Should().Be("alice");
        child.Mode.Should().Be("child");
        child.Workflow.Id.Should().Be("child");
        (await child.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct)).Should().Be(ExecutionStatus.Success);
        events.IndexOf(ExecutionEventTypes.NodeExecutionProgress, "Run").Should().BeLessThan(events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, "Run"));
    }

    [Fact]
    public async Task ChildThatFails_FailsTheNode_WithTheChildsError()
    {
        var failing = new WorkflowBuilder("failing").AddNode("Boom", "stopAndError", """{"message":"out of stock"}""").Build();
        await using var host = Create(failing);

        var events = await host.RunAsync(Parent("failing"));

        events.StatusOf("Run").Should().Be("error");
        events.ErrorOf("Run").Should().MatchRegex(@"^Workflow 'failing' \(execution \d+\) failed: .*out of stock.*$");
        events.FinishedStatus().Should().Be("error");
    }

    [Fact]
    public async Task UnknownWorkflow_FailsTheNode()
    {
        await using var host = Create(Child);

        var events = await host.RunAsync(Parent("nope"));

        events.ErrorOf("Run").Should().Be("The node 'Run' cannot run workflow 'nope': the store has no workflow with that id.");
    }

    [Fact]
    public async Task InvalidChildWorkflow_FailsTheNode_WithTheValidationProblems()
    {
        var invalid = new WorkflowBuilder("invalid").AddNode("X", "noSuchType").Build();
        await using var host = Create(invalid);

        var events = await host.RunAsync(Parent("invalid"));

        events.ErrorOf("Run").Should().StartWith("The node 'Run' cannot run workflow 'invalid': Workflow 'invalid' is not valid").And.Contain("unknownNodeType");
    }

    [Fact]
    public async Task NoStore_FailsTheNode()
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(Parent("child"));

        events.ErrorOf("Run").Should().Be("The node 'Run' cannot run workflow 'child': no IWorkflowStore is registered (AddInMemoryWorkflowStore or AddDirectoryWorkflowStore).");
    }

    [Fact]
    public async Task MissingWorkflowId_FailsTheNode()
    {
        await using var host = Create(Child);

        var events = await host.RunAsync(new WorkflowBuilder("p").AddNode("Run", "executeWorkflow").Build());

        events.ErrorOf("Run").Should().Be("Parameter 'workflowId' of node 'Run' must name a workflow of the store.");
    }

    [Fact]
    public async Task CancelingTheParent_CancelsTheChild()
    {
        var slow = new WorkflowBuilder("slow").AddNode("In", "manualTrigger").AddNode("Wait", "wait", """{"ms":600000}""").Chain("In", "Wait").Build();
        await using var host = Create(slow);
        var parent = host.Engine.Start(Parent("slow"));
        var recorder = EventRecorder.Start(host.Engine, parent.Id);
        var progress = await recorder.WaitForAsync(ExecutionEventTypes.NodeExecutionProgress, "Run");
        var childId = progress.Data.GetProperty("data").GetProperty("childExecutionId").GetInt64();
        host.Engine.TryGetExecution(childId, out var child).Should().BeTrue();
        var childRecorder = EventRecorder.Start(host.Engine, childId);
        await childRecorder.WaitForAsync(ExecutionEventTypes.NodeExecutionBefore, "Wait");

        parent.Cancel();

        (await child!.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct)).Should().Be(ExecutionStatus.Canceled);
        (await parent.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct)).Should().Be(ExecutionStatus.Canceled);
        var childEvents = await childRecorder.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        childEvents.FinishedStatus().Should().Be("canceled");
    }

    [Fact]
    public async Task NestingDeeperThanTheLimit_FailsTheInnermostNode_AndEveryParentWithIt()
    {
        var recursive = new WorkflowBuilder("recursive").AddNode("Run", "executeWorkflow", """{"workflowId":"recursive"}""").Build();
        await using var host = Create([recursive], o => o.MaxWorkflowNestingDepth = 3);

        var events = await host.RunAsync(recursive);

        events.FinishedStatus().Should().Be("error");
        events.ErrorOf("Run").Should().Contain("executions would nest 4 deep, more than the limit of 3 (FlowStreamOptions.MaxWorkflowNestingDepth).");
        host.Engine.ListExecutions().Should().HaveCount(4);
    }

    [Fact]
    public async Task NestingUpToTheLimit_Runs()
    {
        // Level0 -> Level1 -> Level2 -> Child: three nested children, the default limit is 8.
        var level2 = new WorkflowBuilder("level2").AddNode("In", "manualTrigger").AddNode("Run", "executeWorkflow", """{"workflowId":"child"}""").Chain("In", "Run").Build();
        var level1 = new WorkflowBuilder("level1").AddNode("In", "manualTrigger").AddNode("Run", "executeWorkflow", """{"workflowId":"level2"}""").Chain("In", "Run").Build();
        await using var host = Create([Child, level1, level2], o => o.MaxWorkflowNestingDepth = 3);

        var events = await host.RunAsync(Parent("level1"), """{"name":"Deep"}""");

        events.OutputOf("Run").Should().Be("""{"name":"Deep","greeting":"Hello Deep","done":true}""");
    }

    private static TestEngine Create(params WorkflowDefinition[] stored) => Create(stored, null);

    private static TestEngine Create(WorkflowDefinition[] stored, Action<FlowStreamOptions>? options)
        => TestEngine.Create(nodes => nodes.AddInMemoryWorkflowStore(stored), options);

    private static WorkflowDefinition Parent(string workflowId) => new WorkflowBuilder("parent")
        .AddNode("Start", "manualTrigger")
        .AddNode("Run", "executeWorkflow", $$"""{"workflowId":"{{workflowId}}"}""")
        .Chain("Start", "Run")
        .Build();

    private static JsonElement Json(string json) => ExecutionEventTestExtensions.Json(json);
}
