using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Nodes;

/// <summary>
/// The <c>switch</c> node through the engine: what holds without the scheduler's routing. The outputs it leaves by, and what that does to
/// the nodes after it, are in <see cref="BranchingTests"/>.
/// </summary>
public class SwitchNodeTests
{
    [Fact]
    public async Task Switch_PassesItsInputThrough()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("Route", "switch", """{"rules":[{"output":"big","conditions":[{"left":"{{ $json.total }}","operator":"gt","right":100}]}]}""")
            .Chain("Start", "Route")
            .Build();

        var events = await host.RunAsync(workflow, """{"total":5}""");

        events.StatusOf("Route").Should().Be("success");
        events.OutputOf("Route").Should().Be("""{"total":5}""");
    }

    [Theory]
    [InlineData("""{}""", "Parameter 'rules' of node 'Route' must be an array of {\"output\", \"conditions\", \"combinator\"} objects.")]
    [InlineData("""{"rules":[],"mode":"some"}""", "Parameter 'mode' of node 'Route' must be \"first\" or \"all\".")]
    [InlineData("""{"rules":[{"output":"a","conditions":[]}]}""", "Parameter 'conditions' of rule 0 ('a') of node 'Route' must be a non-empty array*")]
    [InlineData("""{"rules":[{"conditions":[{"left":1,"operator":"equals","right":2}]},{"conditions":[{"left":1,"operator":"nope"}]}]}""", "The condition 1 of rule 1 ('1') of node 'Route' has the unknown operator 'nope'*")]
    public async Task Switch_BadParameters_FailTheNode(string parameters, string message)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Route", "switch", parameters).Build();

        var events = await host.RunAsync(workflow);

        events.StatusOf("Route").Should().Be("error");
        events.ErrorOf("Route").Should().Match(message);
    }

    [Fact]
    public async Task Switch_NoRules_LeavesByFallback_AndSucceeds()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Route", "switch", """{"rules":[]}""").Build();

        var events = await host.RunAsync(workflow);

        events.StatusOf("Route").Should().Be("success");
    }
}
