namespace FlowStream.AspNetCore.Tests.Infrastructure;

internal static class Flows
{
    /// <summary>"two": Start (manualTrigger) → Done (noOp).</summary>
    public static readonly WorkflowDefinition Two = new WorkflowBuilder("two", "Two").AddNode("Start", "manualTrigger").AddNode("Done", "noOp").Chain("Start", "Done").Build();

    /// <summary>"gated": Start → Gate (waits for the test) → Done.</summary>
    public static readonly WorkflowDefinition Gated = new WorkflowBuilder("gated", "Gated").AddNode("Start", "manualTrigger").AddNode("Gate", "gate").AddNode("Done", "noOp").Chain("Start", "Gate", "Done").Build();

    /// <summary>"chain50": 50 noOp nodes in a row.</summary>
    public static readonly WorkflowDefinition Chain50 = BuildChain(50);

    public static void Register(FlowStreamBuilder builder, Gates? gates = null)
    {
        builder.AddInMemoryWorkflowStore(Two, Gated, Chain50);
        (gates ?? new Gates()).Register(builder);
    }

    private static WorkflowDefinition BuildChain(int count)
    {
        var builder = new WorkflowBuilder("chain50", "Chain of 50");
        var names = Enumerable.Range(1, count).Select(i => $"N{i}").ToArray();
        foreach (var name in names)
        {
            builder.AddNode(name, "noOp");
        }

        return builder.Chain(names).Build();
    }
}
