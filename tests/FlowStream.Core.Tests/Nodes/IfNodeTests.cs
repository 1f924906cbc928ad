using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Nodes;

/// <summary>
/// The <c>if</c> node through the engine: what holds without the scheduler's routing. Which output it leaves by, and what that does to
/// the nodes after it, is in <see cref="BranchingTests"/>; every operator is in <c>ConditionEvaluatorTests</c>.
/// </summary>
public class IfNodeTests
{
    [Fact]
    public async Task If_PassesItsInputThrough()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("If", "if", """{"conditions":[{"left":"{{ $json.total }}","operator":"gt","right":100}]}""")
            .Chain("Start", "If")
            .Build();

        var events = await host.RunAsync(workflow, """{"total":150,"id":"o-1"}""");

        events.StatusOf("If").Should().Be("success");
        events.OutputOf("If").Should().Be("""{"total":150,"id":"o-1"}""");
    }

    [Theory]
    [InlineData("""{}""", "Parameter 'conditions' of node 'If' must be a non-empty array of {\"left\", \"operator\", \"right\"} objects.")]
    [InlineData("""{"conditions":[{"left":1,"operator":"above","right":0}]}""", "The condition 1 of node 'If' has the unknown operator 'above'; expected one of equals, notEquals, gt, gte, lt, lte, contains, notContains, startsWith, endsWith, isEmpty, isNotEmpty, exists, notExists, regex.")]
    [InlineData("""{"conditions":[{"left":1,"operator":"equals","right":1}],"combinator":"nand"}""", "Parameter 'combinator' of node 'If' must be \"and\" or \"or\" (was \"nand\").")]
    [InlineData("""{"conditions":[{"left":"x","operator":"regex","right":"["}]}""", "The regular expression of condition 1 of node 'If' is not valid*")]
    public async Task If_BadConditions_FailTheNode(string parameters, string message)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("If", "if", parameters).Build();

        var events = await host.RunAsync(workflow);

        events.StatusOf("If").Should().Be("error");
        events.ErrorOf("If").Should().Match(message);
        events.FinishedStatus().Should().Be("error");
    }

    [Fact]
    public async Task If_RegexThatBacktracksForever_FailsAtTheConfiguredMatchTimeout()
    {
        await using var host = TestEngine.Create(configureOptions: o => o.RegexMatchTimeout = TimeSpan.FromMilliseconds(20));
        var workflow = new WorkflowBuilder("w")
            .AddNode("If", "if", $$"""{"conditions":[{"left":"{{new string('a', 5_000)}}!","operator":"regex","right":"^(a+)+$"}]}""")
            .Build();

        var events = await host.RunAsync(workflow);

        events.ErrorOf("If").Should().Be("The regular expression of condition 1 of node 'If' took longer than its match timeout (20 ms).");
    }

    [Fact]
    public async Task If_PathThatDoesNotResolve_FailsTheNode_UseExistsWithAPropertyName()
    {
        await using var host = TestEngine.Create();
        var strict = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("If", "if", """{"conditions":[{"left":"{{ $json.coupon }}","operator":"exists"}]}""")
            .Chain("Start", "If")
            .Build();
        var byName = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("If", "if", """{"conditions":[{"left":"{{ $json }}","operator":"exists","right":"coupon"}]}""")
            .Chain("Start", "If")
            .Build();

        var strictEvents = await host.RunAsync(strict, """{"total":1}""");
        var byNameEvents = await host.RunAsync(byName, """{"total":1}""");

        strictEvents.StatusOf("If").Should().Be("error");
        byNameEvents.StatusOf("If").Should().Be("success");
    }
}
