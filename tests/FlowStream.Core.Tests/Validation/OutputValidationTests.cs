using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Validation;

/// <summary>
/// A connection's <c>fromOutput</c> must name an output its node has (<see cref="WorkflowValidationCodes.UnknownOutput"/>), through
/// <see cref="IWorkflowEngine.Validate"/> and <see cref="IWorkflowEngine.Start"/>.
/// </summary>
public class OutputValidationTests
{
    [Fact]
    public async Task DeclaredOutputs_AreValid()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("If", "if", """{"conditions":[{"left":1,"operator":"equals","right":1}]}""")
            .AddNode("Route", "switch", """{"rules":[{"output":"big","conditions":[]},{"conditions":[]}]}""")
            .AddNode(new NodeDefinition { Name = "Call", Type = "http", OnError = NodeErrorHandling.ErrorOutput })
            .AddNode("A", "noOp")
            .AddNode("B", "noOp")
            .AddNode("C", "noOp")
            .AddNode("D", "noOp")
            .AddNode("E", "noOp")
            .AddNode("F", "noOp")
            .Connect("If", "Route", NodeOutputs.True)
            .Connect("If", "A", NodeOutputs.False)
            .Connect("Route", "B", "big")
            .Connect("Route", "C", "1")
            .Connect("Route", "D", NodeOutputs.Fallback)
            .Connect("A", "Call", NodeOutputs.Main)
            .Connect("Call", "E", NodeOutputs.Error)
            .Connect("Call", "F")
            .Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    [Fact]
    public async Task UnknownOutput_IsAProblem_NamingTheNodeTheConnectionAndTheOutputsItHas()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("If", "if", """{"conditions":[{"left":1,"operator":"equals","right":1}]}""")
            .AddNode("B", "noOp")
            .Connect("If", "B", "maybe")
            .Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.UnknownOutput);
        problem.NodeName.Should().Be("If");
        problem.Connection.Should().BeSameAs(workflow.Connections[0]);
        problem.Message.Should().Be("Connection 'If.maybe -> B' starts at output 'maybe' of node 'If' (type 'if'), which has the outputs 'false', 'main', 'true'.");
    }

    [Fact]
    public async Task ErrorOutput_WithoutOnErrorErrorOutput_IsAProblem_ThatSaysWhy()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "http").AddNode("B", "noOp").Connect("A", "B", NodeOutputs.Error).Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Code.Should().Be(WorkflowValidationCodes.UnknownOutput);
        problem.Message.Should().EndWith("which has the outputs 'main' (a node has the output 'error' only when its onError is 'errorOutput').");
    }

    [Fact]
    public async Task SwitchOutputs_ComeFromItsRules()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Route", "switch", """{"rules":[{"output":"big","conditions":[]},{"conditions":[]}]}""")
            .AddNode("B", "noOp")
            .AddNode("C", "noOp")
            .Connect("Route", "B", "small")
            .Connect("Route", "C", "0")
            .Build();

        var problems = host.Engine.Validate(workflow);

        problems.Select(p => (p.Code, p.Connection!.ToString())).Should().Equal(
            (WorkflowValidationCodes.UnknownOutput, "Route.small -> B"),
            (WorkflowValidationCodes.UnknownOutput, "Route.0 -> C"));
        problems[0].Message.Should().Contain("which has the outputs '1', 'big', 'fallback', 'main'");
    }

    [Fact]
    public async Task CustomNodeTypes_DeclareTheirOutputs_AtRegistration()
    {
        await using var host = TestEngine.Create(nodes => nodes
            .AddNode<TwoWayHandler>("twoWay", "left", "right")
            .AddNode<TwoWayHandler>("perNode", node => [node.Name + "-out"])
            .AddNode("inline", (context, _) => new ValueTask<NodeResult>(NodeResult.Success(context.Input, "yes")), "yes", "no"));
        var workflow = new WorkflowBuilder("w")
            .AddNode("Two", "twoWay")
            .AddNode("Per", "perNode")
            .AddNode("A", "noOp")
            .AddNode("B", "noOp")
            .AddNode("C", "noOp")
            .AddNode("Inline", "inline")
            .AddNode("D", "noOp")
            .Connect("Two", "A", "left")
            .Connect("Inline", "D", "no")
            .Connect("Two", "B", "up")
            .Connect("Per", "C", "Per-out")
            .Build();

        var problem = host.Engine.Validate(workflow).Should().ContainSingle().Subject;

        problem.Connection!.ToString().Should().Be("Two.up -> B");
    }

    [Fact]
    public async Task UnknownOutput_IsListedWithEveryOtherProblem_AndStartThrows()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("If", "if")
            .AddNode("X", "noSuchType")
            .AddNode("B", "noOp")
            .Connect("If", "B", "yes")
            .Connect("X", "B", "whatever")
            .Connect("B", "Ghost")
            .Build();

        var problems = host.Engine.Validate(workflow);
        var act = () => host.Engine.Start(workflow);

        problems.Select(p => p.Code).Should().BeEquivalentTo(
            [WorkflowValidationCodes.UnknownNodeType, WorkflowValidationCodes.UnknownOutput, WorkflowValidationCodes.UnknownConnectionTarget]);
        act.Should().Throw<WorkflowValidationException>().Which.Problems.Select(p => p.Code).Should().Contain(WorkflowValidationCodes.UnknownOutput);
    }

    [Fact]
    public async Task MainOutput_NamedExplicitly_IsValidOnAnyNode()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").AddNode("B", "noOp").Connect("A", "B", NodeOutputs.Main).Build();

        host.Engine.Validate(workflow).Should().BeEmpty();
    }

    public sealed class TwoWayHandler : INodeHandler
    {
        public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
            => new(NodeResult.Success(context.Input, "left"));
    }
}
