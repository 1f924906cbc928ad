using System.Runtime.CompilerServices;
using FlowStream.Validation;

namespace FlowStream.Engine;

/// <summary>
/// Which node may start next: a node is ready once every incoming connection is settled, and runs when at least one of them
/// carried something; when none did, it is skipped (branch not taken) and that settles its own outgoing connections.
/// Ready nodes start in definition order (the seed's order for sequential runs).
/// </summary>
/// <remarks>Pure bookkeeping, no I/O, not thread-safe: the execution calls it under its lock.</remarks>
internal sealed class GraphScheduler
{
    private readonly WorkflowGraph _graph;
    private readonly int[] _unsettled;
    private readonly bool[] _carried;
    private readonly PriorityQueue<int, int> _ready = new();
    private readonly Stack<int> _skipping = new();

    public GraphScheduler(WorkflowGraph graph)
    {
        _graph = graph;
        var count = graph.Nodes.Length;
        _unsettled = new int[count];
        _carried = new bool[count];
        for (var i = 0; i < count; i++)
        {
            _unsettled[i] = graph.Predecessors[i].Length;
            if (_unsettled[i] == 0)
            {
                _carried[i] = true;
                _ready.Enqueue(i, i);
            }
        }
    }

    /// <summary>Gets the number of nodes ready to start.</summary>
    public int ReadyCount => _ready.Count;

    /// <summary>Takes the next ready node, in definition order.</summary>
    public bool TryTake(out int node) => _ready.TryDequeue(out node, out _);

    /// <summary>Gets whether any incoming connection of <paramref name="node"/> carried an input (roots always do).</summary>
    public bool Carried(int node) => _carried[node];

    /// <summary>
    /// Settles the outgoing connections of a finished node: those leaving by one of <paramref name="outputs"/> carry its output,
    /// the others carry nothing. Nodes that become ready are queued; nodes that become settled with nothing carried are added to
    /// <paramref name="skipped"/> in the order they are decided (a skipped node settles its own successors the same way).
    /// </summary>
    /// <param name="node">The node that finished.</param>
    /// <param name="outputs">The outputs its result left by; <see langword="null"/> or empty: none.</param>
    /// <param name="skipped">Receives the nodes to report as skipped (branch not taken).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Settle(int node, string[]? outputs, List<int> skipped)
    {
        SettleEdges(node, outputs, skipped);
        while (_skipping.TryPop(out var next))
        {
            SettleEdges(next, null, skipped);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SettleEdges(int node, string[]? outputs, List<int> skipped)
    {
        var successors = _graph.Successors[node];
        var edgeOutputs = _graph.SuccessorOutputs[node];
        for (var e = 0; e < successors.Length; e++)
        {
            var target = successors[e];
            if (outputs is not null && Contains(outputs, edgeOutputs[e]))
            {
                _carried[target] = true;
            }

            if (--_unsettled[target] == 0)
            {
                if (_carried[target])
                {
                    _ready.Enqueue(target, target);
                }
                else
                {
                    skipped.Add(target);
                    _skipping.Push(target);
                }
            }
        }
    }

    private static bool Contains(string[] outputs, string output)
    {
        foreach (var candidate in outputs)
        {
            if (ReferenceEquals(candidate, output) || candidate == output)
            {
                return true;
            }
        }

        return false;
    }
}
