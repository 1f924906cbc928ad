using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Nodes;

/// <summary>The <c>merge</c> node through the engine, with every input arriving (skipped inputs are in <c>BranchingTests</c>).</summary>
public class MergeNodeTests
{
    [Fact]
    public async Task Append_Default_OutputsAnArrayOfTheInputsInConnectionOrder()
    {
        await using var host = CreateHost();

        var events = await host.RunAsync(ThreeInputs("{}"));

        events.OutputOf("Merge").Should().Be("""[{"b":2,"shared":"b"},{"a":1,"shared":"a"},[1,2]]""");
        events.FinishedStatus().Should().Be("success");
    }

    [Fact]
    public async Task Append_Explicit_OutputsAnArray()
    {
        await using var host = CreateHost();

        var events = await host.RunAsync(ThreeInputs("""{"mode":"append"}"""));

        events.OutputOf("Merge").Should().StartWith("[");
    }

    [Fact]
    public async Task Combine_MergesTheObjectInputs_LaterInputsWin()
    {
        await using var host = CreateHost();

        var events = await host.RunAsync(ThreeInputs("""{"mode":"combine"}"""));

        events.OutputOf("Merge").Should().Be("""{"b":2,"shared":"a","a":1}""");
    }

    [Fact]
    public async Task ChooseBranch_OutputsTheNamedInput()
    {
        await using var host = CreateHost();

        var events = await host.RunAsync(ThreeInputs("""{"mode":"chooseBranch","branch":"A"}"""));

        events.OutputOf("Merge").Should().Be("""{"a":1,"shared":"a"}""");
    }

    [Fact]
    public async Task ChooseBranch_TemplatedBranch_IsResolved()
    {
        await using var host = CreateHost();

        var events = await host.RunAsync(ThreeInputs("""{"mode":"chooseBranch","branch":"{{ $input.pick }}"}"""), """{"pick":"C"}""");

        events.OutputOf("Merge").Should().Be("[1,2]");
    }

    [Fact]
    public async Task ChooseBranch_NotAnInput_FailsNamingTheInputsThatArrived()
    {
        await using var host = CreateHost();

        var events = await host.RunAsync(ThreeInputs("""{"mode":"chooseBranch","branch":"Nope"}"""));

        events.StatusOf("Merge").Should().Be("error");
        events.ErrorOf("Merge").Should().Be("Branch 'Nope' chosen by node 'Merge' brought nothing: it is not an input of the node, or it was skipped or took another output (inputs that arrived: 'B', 'A', 'C').");
    }

    [Theory]
    [InlineData("""{"mode":"chooseBranch"}""", "Parameter 'branch' of node 'Merge' must name the input node to choose (mode \"chooseBranch\").")]
    [InlineData("""{"mode":"zip"}""", "Parameter 'mode' of node 'Merge' must be \"append\", \"combine\" or \"chooseBranch\".")]
    [InlineData("""{"mode":3}""", "Parameter 'mode' of node 'Merge' must be \"append\", \"combine\" or \"chooseBranch\".")]
    public async Task BadParameters_FailTheNode(string parameters, string message)
    {
        await using var host = CreateHost();

        var events = await host.RunAsync(ThreeInputs(parameters));

        events.ErrorOf("Merge").Should().Be(message);
        events.FinishedStatus().Should().Be("error");
    }

    [Fact]
    public async Task NoInputs_AppendIsEmpty_CombineIsEmpty()
    {
        await using var host = CreateHost();

        var append = await host.RunAsync(new WorkflowBuilder("w").AddNode("Merge", "merge").Build());
        var combine = await host.RunAsync(new WorkflowBuilder("w").AddNode("Merge", "merge", """{"mode":"combine"}""").Build());

        append.OutputOf("Merge").Should().Be("[]");
        combine.OutputOf("Merge").Should().Be("{}");
    }

    private static TestEngine CreateHost()
        => TestEngine.Create(nodes => nodes.AddNode("array", (_, _) => new ValueTask<NodeResult>(NodeResult.Success(ExecutionEventTestExtensions.Json("[1,2]")))));

    /// <summary>B, A and C (an array) into Merge, connected in that order.</summary>
    private static WorkflowDefinition ThreeInputs(string mergeParameters) => new WorkflowBuilder("w")
        .AddNode("A", "set", """{"values":{"a":1,"shared":"a"}}""")
        .AddNode("B", "set", """{"values":{"b":2,"shared":"b"}}""")
        .AddNode("C", "array")
        .AddNode("Merge", "merge", mergeParameters)
        .Connect("B", "Merge")
        .Connect("A", "Merge")
        .Connect("C", "Merge")
        .Build();
}
