using WorkflowCore.Interface;

namespace FlowStream.Peers;

/// <summary>A WorkflowCore definition of <c>nodes</c> <see cref="NoOpStep"/>s in a row: <c>StartWith</c>, then <c>Then</c> for each further step.</summary>
internal sealed class ChainWorkflow(int nodes) : IWorkflow
{
    public string Id => IdFor(nodes);

    public int Version => 1;

    public static string IdFor(int nodes) => $"chain-{nodes}";

    public void Build(IWorkflowBuilder<object> builder)
    {
        var step = builder.StartWith<NoOpStep>();
        for (var i = 1; i < nodes; i++)
        {
            step = step.Then<NoOpStep>();
        }
    }
}
