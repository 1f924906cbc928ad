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

    /// <summary>
    /// The connections leaving each node, in connection order, one per distinct (target, output): what routing needs when a result
    /// leaves by some outputs only. Two connections from different outputs of one node to the same target are two edges here.
    /// </summary>
    public GraphEdge[][] OutgoingEdges { get; init; } = [];

    /// <summary>The connections arriving at each node, in connection order, one per distinct (source, output).</summary>
    public GraphEdge[][] IncomingEdges { get; init; } = [];

    public bool[] HasTemplates { get; }

    public FrozenDictionary<string, int> IndexByName { get; }
}
