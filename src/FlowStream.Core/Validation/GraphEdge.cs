namespace FlowStream.Validation;

/// <summary>One connection of a validated workflow: from a node's output to another node, by node index.</summary>
/// <param name="From">The index of the node the connection starts at.</param>
/// <param name="To">The index of the node it leads to.</param>
/// <param name="Output">The output of <paramref name="From"/> it starts at (<c>main</c> when the connection names none).</param>
internal readonly record struct GraphEdge(int From, int To, string Output);
