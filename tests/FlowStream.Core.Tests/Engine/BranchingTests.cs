using System.Text.Json;
using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Engine;

/// <summary>
/// Branching end to end (DESIGN.md "Branching"): a result goes down only the connections of the output(s) it left by, nodes none of whose
/// inputs carries anything are skipped (<c>branchNotTaken</c>) and that propagates, a node with several inputs runs once with what
/// arrived, and <c>onError: "errorOutput"</c> routes a failure. These need the scheduler's routing.
/// </summary>
public class BranchingTests
{
    private const string OverHundred = """{"conditions":[{"left":"{{ $json.total }}","operator":"gt","right":100}]}""";

    [Theory]
    [InlineData(150, "true", "Approve", "Auto")]
    [InlineData(50, "false", "Auto", "Approve")]
    public async Task If_RunsTheTakenBranch_AndSkipsTheOther(int total, string output, string ran, string skipped)
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(OrderFlow(), $$"""{"total":{{total}}}""");

        events.LeftBy("If").Should().Be(output);
        events.StatusOf(ran).Should().Be("success");
        AssertSkipped(events, skipped);
        events.FinishedStatus().Should().Be("success");
    }

    [Fact]
    public async Task If_SkipPropagatesDownTheBranchNotTaken()
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(OrderFlow(), """{"total":500}""");

        AssertSkipped(events, "Auto");
        AssertSkipped(events, "AutoNotify");
        events.StatusOf("ApproveNotify").Should().Be("success");
    }

    [Theory]
    [InlineData(150, """[{"total":150,"path":"approval"}]""")]
    [InlineData(50, """[{"total":50,"path":"auto"}]""")]
    public async Task Merge_AfterBranches_RunsOnceWithWhatArrived(int total, string merged)
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(OrderFlow(), $$"""{"total":{{total}}}""");

        events.Count(e => e.Is(ExecutionEventTypes.NodeExecutionBefore, "Merge")).Should().Be(1);
        events.OutputOf("Merge").Should().Be(merged);
        events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, "Merge").Should().BeGreaterThan(events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, "Auto"));
        events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, "Merge").Should().BeGreaterThan(events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, "Approve"));
    }

    [Fact]
    public async Task ConnectionFromMain_OfANodeThatLeftByAnotherOutput_CarriesNothing()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("If", "if", OverHundred)
            .AddNode("FromMain", "noOp")
            .Chain("Start", "If", "FromMain")
            .Build();

        var events = await host.RunAsync(workflow, """{"total":1}""");

        AssertSkipped(events, "FromMain");
    }

    [Fact]
    public async Task Progress_CountsSkippedNodes_AndReaches100()
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(OrderFlow(), """{"total":1}""");

        var last = events.Last(e => e.Type == ExecutionEventTypes.NodeExecutionAfter).Data.GetProperty("progress");
        last.GetProperty("completed").GetInt32().Should().Be(8);
        last.GetProperty("total").GetInt32().Should().Be(8);
        last.GetProperty("percent").GetDouble().Should().Be(100);
    }

    [Fact]
    public async Task Switch_First_LeavesByTheFirstMatchingRule()
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(SwitchFlow("first"), """{"total":500,"country":"NL"}""");

        events.LeftBy("Route").Should().Be("big");
        events.StatusOf("Big").Should().Be("success");
        AssertSkipped(events, "Abroad");
        AssertSkipped(events, "Other");
    }

    [Fact]
    public async Task Switch_All_LeavesByEveryMatchingRule()
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(SwitchFlow("all"), """{"total":500,"country":"NL"}""");

        events.StatusOf("Big").Should().Be("success");
        events.StatusOf("Abroad").Should().Be("success");
        AssertSkipped(events, "Other");
    }

    [Fact]
    public async Task Switch_NoRuleMatches_LeavesByFallback()
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(SwitchFlow("first"), """{"total":5,"country":"US"}""");

        events.LeftBy("Route").Should().Be(NodeOutputs.Fallback);
        events.StatusOf("Other").Should().Be("success");
        AssertSkipped(events, "Big");
        AssertSkipped(events, "Abroad");
    }

    [Fact]
    public async Task Switch_RuleWithoutOutputName_IsNamedByItsIndex()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("Route", "switch", """{"rules":[{"conditions":[{"left":"{{ $json.n }}","operator":"equals","right":0}]},{"conditions":[{"left":"{{ $json.n }}","operator":"equals","right":1}]}]}""")
            .AddNode("Zero", "noOp")
            .AddNode("One", "noOp")
            .Chain("Start", "Route")
            .Connect("Route", "Zero", "0")
            .Connect("Route", "One", "1")
            .Build();

        var events = await host.RunAsync(workflow, """{"n":1}""");

        events.LeftBy("Route").Should().Be("1");
        events.StatusOf("One").Should().Be("success");
        AssertSkipped(events, "Zero");
    }

    [Fact]
    public async Task ErrorOutput_FailureGoesDownTheErrorOutput_AndTheExecutionSucceeds()
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(ErrorOutputFlow(retry: null));

        events.StatusOf("Fail").Should().Be("error");
        events.StatusOf("Handle").Should().Be("success");
        events.OutputOf("Handle").Should().Be("""{"error":{"message":"card declined"}}""");
        AssertSkipped(events, "Next");
        events.FinishedStatus().Should().Be("success");
    }

    [Fact]
    public async Task ErrorOutput_AfterTheRetries()
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(ErrorOutputFlow(new NodeRetryPolicy { MaxTries = 3, WaitMs = 0 }));

        events.Count(e => e.Is(ExecutionEventTypes.NodeExecutionRetry, "Fail")).Should().Be(2);
        events.OutputOf("Handle").Should().Be("""{"error":{"message":"card declined"}}""");
        events.FinishedStatus().Should().Be("success");
    }

    [Fact]
    public async Task ErrorOutput_NodeThatSucceeds_LeavesByMain_AndTheErrorBranchIsSkipped()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode(new NodeDefinition { Name = "Work", Type = "noOp", OnError = NodeErrorHandling.ErrorOutput })
            .AddNode("Next", "noOp")
            .AddNode("Handle", "noOp")
            .Connect("Work", "Next")
            .Connect("Work", "Handle", NodeOutputs.Error)
            .Build();

        var events = await host.RunAsync(workflow);

        events.StatusOf("Next").Should().Be("success");
        AssertSkipped(events, "Handle");
    }

    private static void AssertSkipped(IReadOnlyList<ExecutionEvent> events, string nodeName)
    {
        var before = events.IndexOf(ExecutionEventTypes.NodeExecutionBefore, nodeName);
        var after = events.IndexOf(ExecutionEventTypes.NodeExecutionAfter, nodeName);
        before.Should().BeGreaterThanOrEqualTo(0, $"{nodeName} has a nodeExecutionBefore");
        after.Should().BeGreaterThan(before, $"{nodeName}'s nodeExecutionAfter follows its nodeExecutionBefore");
        var data = events[after].Data;
        data.GetProperty("status").GetString().Should().Be("skipped", nodeName);
        data.GetProperty("reason").GetString().Should().Be("branchNotTaken", nodeName);
    }

    /// <summary>Start → If (total over 100) → true: Approve → ApproveNotify; false: Auto → AutoNotify; Approve and Auto → Merge → Done.</summary>
    internal static WorkflowDefinition OrderFlow() => new WorkflowBuilder("orders")
        .AddNode("Start", "manualTrigger")
        .AddNode("If", "if", OverHundred)
        .AddNode("Approve", "set", """{"values":{"path":"approval"}}""")
        .AddNode("ApproveNotify", "noOp")
        .AddNode("Auto", "set", """{"values":{"path":"auto"}}""")
        .AddNode("AutoNotify", "noOp")
        .AddNode("Merge", "merge")
        .AddNode("Done", "noOp")
        .Chain("Start", "If")
        .Connect("If", "Approve", NodeOutputs.True)
        .Connect("If", "Auto", NodeOutputs.False)
        .Connect("Approve", "ApproveNotify")
        .Connect("Auto", "AutoNotify")
        .Connect("Approve", "Merge")
        .Connect("Auto", "Merge")
        .Connect("Merge", "Done")
        .Build();

    private static WorkflowDefinition SwitchFlow(string mode) => new WorkflowBuilder("route")
        .AddNode("Start", "manualTrigger")
        .AddNode("Route", "switch", $$$"""
            {"mode":"{{{mode}}}","rules":[
              {"output":"big","conditions":[{"left":"{{ $json.total }}","operator":"gte","right":100}]},
              {"output":"abroad","conditions":[{"left":"{{ $json.country }}","operator":"notEquals","right":"US"},{"left":"{{ $json.country }}","operator":"isNotEmpty"}]}
            ]}
            """)
        .AddNode("Big", "noOp")
        .AddNode("Abroad", "noOp")
        .AddNode("Other", "noOp")
        .Chain("Start", "Route")
        .Connect("Route", "Big", "big")
        .Connect("Route", "Abroad", "abroad")
        .Connect("Route", "Other", NodeOutputs.Fallback)
        .Build();

    private static WorkflowDefinition ErrorOutputFlow(NodeRetryPolicy? retry) => new WorkflowBuilder("w")
        .AddNode("Start", "manualTrigger")
        .AddNode(new NodeDefinition
        {
            Name = "Fail",
            Type = "stopAndError",
            Parameters = JsonDocument.Parse("""{"message":"card declined"}""").RootElement.Clone(),
            Retry = retry,
            OnError = NodeErrorHandling.ErrorOutput,
        })
        .AddNode("Next", "noOp")
        .AddNode("Handle", "noOp")
        .Chain("Start", "Fail", "Next")
        .Connect("Fail", "Handle", NodeOutputs.Error)
        .Build();
}
