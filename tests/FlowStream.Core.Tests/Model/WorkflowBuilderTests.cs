using System.Text.Json;

namespace FlowStream.Tests.Model;

public class WorkflowBuilderTests
{
    [Fact]
    public void Build_NodesAndConnections_ProducesTheExpectedDefinition()
    {
        var workflow = new WorkflowBuilder("greet", "Greet")
            .AddNode("Start", "manualTrigger")
            .AddNode("Greet", "set", """{"values":{"greeting":"Hello {{ $json.name }}"}}""")
            .AddNode("End", "noOp")
            .Connect("Start", "Greet")
            .Connect("Greet", "End")
            .Build();

        workflow.ToJson().Should().Be(
            """{"id":"greet","name":"Greet","nodes":[{"name":"Start","type":"manualTrigger"},{"name":"Greet","type":"set","parameters":{"values":{"greeting":"Hello {{ $json.name }}"}}},{"name":"End","type":"noOp"}],"connections":[{"from":"Start","to":"Greet"},{"from":"Greet","to":"End"}]}""");
        workflow.Settings.Should().BeNull();
    }

    [Fact]
    public void Build_WithoutName_UsesTheIdAsName()
    {
        var workflow = new WorkflowBuilder("flow-1").Build();

        workflow.Id.Should().Be("flow-1");
        workflow.Name.Should().Be("flow-1");
        workflow.Nodes.Should().BeEmpty();
        workflow.Connections.Should().BeEmpty();
    }

    [Fact]
    public void Chain_SeveralNames_ConnectsEachToTheNext()
    {
        var workflow = new WorkflowBuilder("w").Chain("A", "B", "C", "D").Build();

        workflow.Connections.Select(c => (c.From, c.To)).Should().Equal(("A", "B"), ("B", "C"), ("C", "D"));
    }

    [Theory]
    [InlineData]
    [InlineData("A")]
    public void Chain_FewerThanTwoNames_AddsNoConnection(params string[] names)
    {
        var workflow = new WorkflowBuilder("w").Chain(names).Build();

        workflow.Connections.Should().BeEmpty();
    }

    [Fact]
    public void ChainAndConnect_Mixed_KeepCallOrder()
    {
        var workflow = new WorkflowBuilder("w").Connect("X", "A").Chain("A", "B", "C").Connect("A", "C").Build();

        workflow.Connections.Select(c => c.ToString()).Should().Equal("X -> A", "A -> B", "B -> C", "A -> C");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void WithMaxDegreeOfParallelism_Positive_SetsTheSetting(int parallelism)
    {
        var workflow = new WorkflowBuilder("w").AddNode("A", "noOp").WithMaxDegreeOfParallelism(parallelism).Build();

        workflow.Settings!.MaxDegreeOfParallelism.Should().Be(parallelism);
        workflow.ToJson().Should().EndWith($$$""","settings":{"maxDegreeOfParallelism":{{{parallelism}}}}}""");
    }

    [Fact]
    public void WithMaxDegreeOfParallelism_CalledTwice_LastWins()
    {
        var workflow = new WorkflowBuilder("w").WithMaxDegreeOfParallelism(8).WithMaxDegreeOfParallelism(2).Build();

        workflow.Settings!.MaxDegreeOfParallelism.Should().Be(2);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void WithMaxDegreeOfParallelism_BelowOne_Throws(int parallelism)
    {
        var builder = new WorkflowBuilder("w");

        FluentActions.Invoking(() => builder.WithMaxDegreeOfParallelism(parallelism)).Should().Throw<ArgumentOutOfRangeException>();
        builder.Build().Settings.Should().BeNull();
    }

    [Fact]
    public void AddNode_WithoutParameters_LeavesParametersUndefined()
    {
        var node = new WorkflowBuilder("w").AddNode("A", "noOp").Build().Nodes.Single();

        node.Should().BeEquivalentTo(new { Name = "A", Type = "noOp", Retry = (NodeRetryPolicy?)null, TimeoutMs = (int?)null, ContinueOnFail = false, Disabled = false });
        node.Parameters.ValueKind.Should().Be(JsonValueKind.Undefined);
    }

    [Fact]
    public void AddNode_JsonElementParameters_KeepsThem()
    {
        var parameters = JsonDocument.Parse("""{"ms":200}""").RootElement;

        var node = new WorkflowBuilder("w").AddNode("Wait", "wait", parameters).Build().Nodes.Single();

        node.Parameters.GetProperty("ms").GetInt32().Should().Be(200);
    }

    [Fact]
    public void AddNode_NodeDefinition_KeepsEveryField()
    {
        var definition = new NodeDefinition { Name = "A", Type = "t", TimeoutMs = 10, ContinueOnFail = true, Disabled = true, Retry = new NodeRetryPolicy { MaxTries = 2 } };

        var workflow = new WorkflowBuilder("w").AddNode(definition).Build();

        workflow.Nodes.Should().ContainSingle().Which.Should().BeSameAs(definition);
    }

    [Fact]
    public void AddNode_InvalidParametersJson_ThrowsJsonException()
    {
        FluentActions.Invoking(() => new WorkflowBuilder("w").AddNode("A", "set", "{not json")).Should().Throw<JsonException>();
    }

    [Fact]
    public void AddNode_NullArguments_Throw()
    {
        var builder = new WorkflowBuilder("w");

        FluentActions.Invoking(() => builder.AddNode(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => builder.AddNode("A", "set", (string)null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new WorkflowBuilder(null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Build_CalledAgainAfterMoreNodes_LeavesTheEarlierDefinitionUnchanged()
    {
        var builder = new WorkflowBuilder("w").AddNode("A", "noOp");
        var first = builder.Build();

        var second = builder.AddNode("B", "noOp").Connect("A", "B").WithMaxDegreeOfParallelism(3).Build();

        first.Nodes.Select(n => n.Name).Should().Equal("A");
        first.Connections.Should().BeEmpty();
        first.Settings.Should().BeNull();
        second.Nodes.Select(n => n.Name).Should().Equal("A", "B");
        second.Connections.Should().ContainSingle();
        second.Settings!.MaxDegreeOfParallelism.Should().Be(3);
    }

    [Fact]
    public void Build_Output_RoundTripsThroughJson()
    {
        var workflow = new WorkflowBuilder("w", "W")
            .AddNode(new NodeDefinition { Name = "A", Type = "t", TimeoutMs = 10, Retry = new NodeRetryPolicy { MaxTries = 2, WaitMs = 5, BackoffMultiplier = 3 } })
            .AddNode("B", "set", """{"values":{"x":1}}""")
            .Chain("A", "B")
            .WithMaxDegreeOfParallelism(2)
            .Build();

        var json = workflow.ToJson();

        WorkflowDefinition.FromJson(json).ToJson().Should().Be(json);
        json.Should().Be(
            """{"id":"w","name":"W","nodes":[{"name":"A","type":"t","retry":{"maxTries":2,"waitMs":5,"backoffMultiplier":3},"timeoutMs":10},{"name":"B","type":"set","parameters":{"values":{"x":1}}}],"connections":[{"from":"A","to":"B"}],"settings":{"maxDegreeOfParallelism":2}}""");
    }
}
