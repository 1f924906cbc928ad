using System.Text.Json;

namespace FlowStream.Tests.Model;

/// <summary>The branching parts of the model: a connection's <c>fromOutput</c>, a node's <c>onError</c>, and <see cref="NodeResult"/>'s outputs.</summary>
public class BranchingModelTests
{
    [Fact]
    public void FromJson_FromOutputAndOnError_AreRead()
    {
        var workflow = WorkflowDefinition.FromJson("""
            {"id":"w","nodes":[{"name":"If","type":"if","onError":"errorOutput"},{"name":"B","type":"noOp"}],
             "connections":[{"from":"If","fromOutput":"true","to":"B"},{"from":"If","to":"B"}]}
            """);

        workflow.Nodes[0].OnError.Should().Be(NodeErrorHandling.ErrorOutput);
        workflow.Nodes[1].OnError.Should().Be(NodeErrorHandling.StopWorkflow);
        workflow.Connections[0].FromOutput.Should().Be("true");
        workflow.Connections[0].EffectiveFromOutput.Should().Be("true");
        workflow.Connections[1].FromOutput.Should().BeNull();
        workflow.Connections[1].EffectiveFromOutput.Should().Be(NodeOutputs.Main);
    }

    [Fact]
    public void FromJson_OnErrorStopWorkflow_IsRead()
    {
        var workflow = WorkflowDefinition.FromJson("""{"id":"w","nodes":[{"name":"A","type":"noOp","onError":"stopWorkflow"}]}""");

        workflow.Nodes[0].OnError.Should().Be(NodeErrorHandling.StopWorkflow);
    }

    [Fact]
    public void FromJson_UnknownOnError_Throws()
    {
        var act = () => WorkflowDefinition.FromJson("""{"id":"w","nodes":[{"name":"A","type":"noOp","onError":"explode"}]}""");

        act.Should().Throw<JsonException>();
    }

    [Fact]
    public void ToJson_FromOutputAndErrorOutput_AreWritten_DefaultsOmitted()
    {
        var workflow = new WorkflowBuilder("w", "W")
            .AddNode(new NodeDefinition { Name = "If", Type = "if", OnError = NodeErrorHandling.ErrorOutput })
            .AddNode("B", "noOp")
            .AddNode(new NodeDefinition { Name = "C", Type = "noOp", OnError = NodeErrorHandling.StopWorkflow })
            .Connect("If", "B", NodeOutputs.True)
            .Connect("B", "C")
            .Build();

        workflow.ToJson().Should().Be(
            """{"id":"w","name":"W","nodes":[{"name":"If","type":"if","onError":"errorOutput"},{"name":"B","type":"noOp"},{"name":"C","type":"noOp"}],"connections":[{"from":"If","to":"B","fromOutput":"true"},{"from":"B","to":"C"}]}""");
    }

    [Fact]
    public void ToJson_ThenFromJson_RoundTripsBranching()
    {
        var workflow = new WorkflowBuilder("w")
            .AddNode(new NodeDefinition { Name = "A", Type = "http", OnError = NodeErrorHandling.ErrorOutput })
            .AddNode("B", "noOp")
            .Connect("A", "B", NodeOutputs.Error)
            .Build();

        var read = WorkflowDefinition.FromJson(workflow.ToJson());

        read.Nodes[0].OnError.Should().Be(NodeErrorHandling.ErrorOutput);
        read.Connections[0].FromOutput.Should().Be(NodeOutputs.Error);
    }

    [Fact]
    public void ConnectionToString_NamesTheOutput_WhenNotMain()
    {
        new ConnectionDefinition { From = "If", To = "B", FromOutput = "false" }.ToString().Should().Be("If.false -> B");
        new ConnectionDefinition { From = "A", To = "B", FromOutput = "main" }.ToString().Should().Be("A -> B");
        new ConnectionDefinition { From = "A", To = "B" }.ToString().Should().Be("A -> B");
    }

    [Fact]
    public void Success_WithoutOutputName_LeavesByMain()
    {
        NodeResult.Success().Outputs.Should().Equal(NodeOutputs.Main);
        NodeResult.Success(Json("""{"a":1}""")).Outputs.Should().Equal(NodeOutputs.Main);
        NodeResult.Failure("x").Outputs.Should().Equal(NodeOutputs.Main);
    }

    [Fact]
    public void Success_WithOutputName_LeavesByIt()
    {
        var result = NodeResult.Success(Json("""{"a":1}"""), NodeOutputs.True);

        result.IsSuccess.Should().BeTrue();
        result.Outputs.Should().Equal("true");
        result.Output.GetRawText().Should().Be("""{"a":1}""");
    }

    [Fact]
    public void Success_WithSeveralOutputNames_LeavesByEachOnce()
    {
        var result = NodeResult.Success(Json("{}"), ["big", "urgent", "big"]);

        result.Outputs.Should().Equal("big", "urgent");
    }

    [Fact]
    public void Success_WithNoOrEmptyOutputName_Throws()
    {
        FluentActions.Invoking(() => NodeResult.Success(Json("{}"), "")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => NodeResult.Success(Json("{}"), Array.Empty<string>())).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => NodeResult.Success(Json("{}"), ["a", ""])).Should().Throw<ArgumentException>();
    }

    private static JsonElement Json(string json) => ExecutionEventTestExtensions.Json(json);
}
