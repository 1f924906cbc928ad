using System.Collections.Frozen;

namespace FlowStream.Validation;

/// <summary>A validated workflow in the shape the scheduler needs: nodes by index, with their edges.</summary>
internal sealed class WorkflowGraph
{
    public WorkflowGraph(WorkflowDefinition definition, NodeDefinition[] nodes, int[][] predecessors, int[][] successors, bool[] hasTemplates, FrozenDictionary<string, int> indexByName)
    {
        Definition = definition;
        Nodes = nodes;
        Predecessors = predecessors;
        Successors = successors;
        HasTemplates = hasTemplates;
        IndexByName = indexByName;
    }

    public WorkflowDefinition Definition { get; }

    public NodeDefinition[] Nodes { get; }

    /// <summary>Direct predecessors of each node, in connection order, without duplicates.</summary>
    public int[][] Predecessors { get; }

    /// <summary>Direct successors of each node, in connection order, without duplicates.</summary>
    public int[][] Successors { get; }

    public bool[] HasTemplates { get; }

    public FrozenDictionary<string, int> IndexByName { get; }
}
