using System.Collections.Frozen;
using System.Text.Json;
using FlowStream.Events;
using FlowStream.Nodes;

namespace FlowStream.Validation;

/// <summary>
/// A validated workflow compiled for the scheduler: nodes by index, edges both ways (one entry per connection, with the output
/// it leaves by), and what every execution of it would otherwise compute again (encoded names, handler registrations).
/// </summary>
internal sealed class WorkflowGraph
{
    private JsonEncodedText[]? _encodedNames;
    private JsonEncodedText[]? _encodedTypes;

    public WorkflowGraph(WorkflowDefinition definition, NodeDefinition[] nodes, int[][] predecessors, int[][] successors, string[][] successorOutputs, bool[] hasTemplates, FrozenDictionary<string, int> indexByName)
    {
        Definition = definition;
        Nodes = nodes;
        Predecessors = predecessors;
        Successors = successors;
        SuccessorOutputs = successorOutputs;
        HasTemplates = hasTemplates;
        IndexByName = indexByName;
    }

    public WorkflowDefinition Definition { get; }

    public NodeDefinition[] Nodes { get; }

    /// <summary>Gets, per node, the node at the start of each incoming connection (a node may appear once per output it connects by).</summary>
    public int[][] Predecessors { get; }

    /// <summary>Gets, per node, the node at the end of each outgoing connection.</summary>
    public int[][] Successors { get; }

    /// <summary>Gets, per node, the output each outgoing connection (same index as <see cref="Successors"/>) leaves by.</summary>
    public string[][] SuccessorOutputs { get; }

    /// <summary>
    /// The connections leaving each node, in connection order, one per distinct (target, output): what routing needs when a result
    /// leaves by some outputs only. Two connections from different outputs of one node to the same target are two edges here.
    /// </summary>
    public GraphEdge[][] OutgoingEdges { get; init; } = [];

    /// <summary>The connections arriving at each node, in connection order, one per distinct (source, output).</summary>
    public GraphEdge[][] IncomingEdges { get; init; } = [];

    public bool[] HasTemplates { get; }

    public FrozenDictionary<string, int> IndexByName { get; }

    /// <summary>Gets the node names, JSON-encoded once for every event that names them.</summary>
    public JsonEncodedText[] EncodedNames => _encodedNames ??= [.. Nodes.Select(n => EventJsonWriter.Encode(n.Name))];

    /// <summary>Gets the node types, JSON-encoded once.</summary>
    public JsonEncodedText[] EncodedTypes => _encodedTypes ??= [.. Nodes.Select(n => EventJsonWriter.Encode(n.Type))];

    /// <summary>Gets or sets, per node, its handler registration and the index of its type among the graph's distinct types (set by the engine).</summary>
    public (NodeTypeRegistration[] Registrations, int[] TypeSlots, int TypeCount)? Handlers { get; set; }
}
