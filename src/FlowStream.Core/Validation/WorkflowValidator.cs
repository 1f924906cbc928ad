using System.Buffers;
using System.Collections.Frozen;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowStream.Nodes;
using FlowStream.Templates;

namespace FlowStream.Validation;

/// <summary>Checks a workflow before it runs and compiles it into a <see cref="WorkflowGraph"/>. Reports every problem at once.</summary>
internal static class WorkflowValidator
{
    /// <summary>Validates against the registered node types, including every connection's <c>fromOutput</c>.</summary>
    public static WorkflowGraph? Validate(WorkflowDefinition workflow, NodeTypeRegistry nodeTypes, FlowStreamOptions options, int? maxDegreeOfParallelism, List<WorkflowValidationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(nodeTypes);
        return Validate(
            workflow,
            type => nodeTypes.TryGet(type, out _),
            node => nodeTypes.TryGet(node.Type, out var registration) ? registration.GetOutputs(node) : null,
            options,
            maxDegreeOfParallelism,
            problems);
    }

    /// <summary>Validates with a node-type check only: connections' <c>fromOutput</c> are not checked (no declared outputs are known).</summary>
    public static WorkflowGraph? Validate(WorkflowDefinition workflow, Func<string, bool> isKnownType, FlowStreamOptions options, int? maxDegreeOfParallelism, List<WorkflowValidationProblem> problems)
        => Validate(workflow, isKnownType, null, options, maxDegreeOfParallelism, problems);

    /// <param name="workflow">The workflow.</param>
    /// <param name="isKnownType">Whether a node type is registered.</param>
    /// <param name="outputsOf">The outputs a connection may start at on a node of a known type (null for an unknown one); null to skip the check.</param>
    /// <param name="options">The limits.</param>
    /// <param name="maxDegreeOfParallelism">The request's parallelism, if it says.</param>
    /// <param name="problems">Receives every problem.</param>
    public static WorkflowGraph? Validate(WorkflowDefinition workflow, Func<string, bool> isKnownType, Func<NodeDefinition, HashSet<string>?>? outputsOf, FlowStreamOptions options, int? maxDegreeOfParallelism, List<WorkflowValidationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var nodes = (workflow.Nodes ?? []).ToArray();
        var connections = workflow.Connections ?? [];

        if (nodes.Length == 0)
        {
            problems.Add(new(WorkflowValidationCodes.NoNodes, "The workflow has no nodes."));
        }

        if (nodes.Length > options.MaxNodesPerWorkflow)
        {
            problems.Add(new(WorkflowValidationCodes.TooManyNodes, $"The workflow has {nodes.Length} nodes; at most {options.MaxNodesPerWorkflow} are allowed."));
        }

        var dop = maxDegreeOfParallelism ?? workflow.Settings?.MaxDegreeOfParallelism;
        if (dop is < 1)
        {
            problems.Add(new(WorkflowValidationCodes.InvalidParallelism, $"The maximum degree of parallelism must be at least 1 (was {dop})."));
        }

        var indexByName = new Dictionary<string, int>(nodes.Length, StringComparer.Ordinal);
        var hasTemplates = new bool[nodes.Length];
        var duplicates = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = nodes[i];
            if (node is null)
            {
                problems.Add(new(WorkflowValidationCodes.EmptyNodeName, $"Node #{i + 1} is null."));
                nodes[i] = node = new NodeDefinition();
                continue;
            }

            var label = string.IsNullOrWhiteSpace(node.Name) ? $"#{i + 1}" : $"'{node.Name}'";
            if (string.IsNullOrWhiteSpace(node.Name))
            {
                problems.Add(new(WorkflowValidationCodes.EmptyNodeName, $"Node #{i + 1} has an empty name."));
            }
            else if (!indexByName.TryAdd(node.Name, i) && duplicates.Add(node.Name))
            {
                problems.Add(new(WorkflowValidationCodes.DuplicateNodeName, $"More than one node is named '{node.Name}'.", node.Name));
            }

            if (string.IsNullOrWhiteSpace(node.Type))
            {
                problems.Add(new(WorkflowValidationCodes.EmptyNodeType, $"Node {label} has an empty type.", NullIfEmpty(node.Name)));
            }
            else if (!isKnownType(node.Type))
            {
                problems.Add(new(WorkflowValidationCodes.UnknownNodeType, $"Node {label} has type '{node.Type}', which has no registered handler.", NullIfEmpty(node.Name)));
            }

            var parameters = node.Parameters;
            if (parameters.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.Object))
            {
                problems.Add(new(WorkflowValidationCodes.InvalidParameters, $"The parameters of node {label} must be a JSON object, not {parameters.ValueKind}.", NullIfEmpty(node.Name)));
            }
            else if (parameters.ValueKind == JsonValueKind.Object)
            {
                var size = CompactSize(parameters);
                if (size > options.MaxParametersBytesPerNode)
                {
                    problems.Add(new(WorkflowValidationCodes.ParametersTooLarge, $"The parameters of node {label} take {size} bytes; at most {options.MaxParametersBytesPerNode} are allowed.", NullIfEmpty(node.Name)));
                }

                hasTemplates[i] = TemplateResolver.ContainsTemplate(parameters);
            }

            if (node.Retry is { } retry && (retry.MaxTries < 1 || retry.WaitMs < 0 || !(retry.BackoffMultiplier >= 1) || double.IsInfinity(retry.BackoffMultiplier)))
            {
                problems.Add(new(WorkflowValidationCodes.InvalidRetry, $"The retry policy of node {label} is out of range: maxTries must be at least 1, waitMs at least 0, backoffMultiplier at least 1.", NullIfEmpty(node.Name)));
            }

            if (node.TimeoutMs is <= 0)
            {
                problems.Add(new(WorkflowValidationCodes.InvalidTimeout, $"The timeout of node {label} must be more than 0 ms (was {node.TimeoutMs}).", NullIfEmpty(node.Name)));
            }

            CheckLimits(node, label, options, problems);
        }

        var predecessors = new List<int>[nodes.Length];
        var successors = new List<int>[nodes.Length];
        var successorOutputs = new List<string>[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            predecessors[i] = [];
            successors[i] = [];
            successorOutputs[i] = [];
        }

        var outputEdges = new HashSet<(int, int, string)>();
        var outgoing = new List<GraphEdge>[nodes.Length];
        var incoming = new List<GraphEdge>[nodes.Length];
        for (var i = 0; i < nodes.Length; i++)
        {
            outgoing[i] = [];
            incoming[i] = [];
        }

        var outputsByNode = new HashSet<string>?[nodes.Length];
        foreach (var connection in connections)
        {
            if (connection is null)
            {
                continue;
            }

            var knownFrom = indexByName.TryGetValue(connection.From ?? "", out var from);
            var knownTo = indexByName.TryGetValue(connection.To ?? "", out var to);
            if (!knownFrom)
            {
                problems.Add(new(WorkflowValidationCodes.UnknownConnectionSource, $"Connection '{connection}' starts at '{connection.From}', which is not a node of this workflow.", connection: connection));
            }

            if (!knownTo)
            {
                problems.Add(new(WorkflowValidationCodes.UnknownConnectionTarget, $"Connection '{connection}' leads to '{connection.To}', which is not a node of this workflow.", connection: connection));
            }

            if (!knownFrom || !knownTo)
            {
                continue;
            }

            if (from == to)
            {
                problems.Add(new(WorkflowValidationCodes.SelfLoop, $"Connection '{connection}' leads from node '{connection.From}' to itself.", connection.From, connection));
                continue;
            }

            var output = connection.EffectiveFromOutput;
            if (outputsOf is not null && output != NodeOutputs.Main
                && (outputsByNode[from] ??= outputsOf(nodes[from])) is { } declared && !declared.Contains(output))
            {
                var hint = output == NodeOutputs.Error && nodes[from].OnError != NodeErrorHandling.ErrorOutput
                    ? " (a node has the output 'error' only when its onError is 'errorOutput')"
                    : "";
                problems.Add(new(
                    WorkflowValidationCodes.UnknownOutput,
                    $"Connection '{connection}' starts at output '{output}' of node '{connection.From}' (type '{nodes[from].Type}'), which has the outputs {string.Join(", ", declared.Order(StringComparer.Ordinal).Select(o => $"'{o}'"))}{hint}.",
                    connection.From,
                    connection));
                continue;
            }

            // One edge per (from, to, output): a node may reach another by two outputs (a switch in "all" mode, say).
            if (outputEdges.Add((from, to, output)))
            {
                successors[from].Add(to);
                successorOutputs[from].Add(output);
                predecessors[to].Add(from);
                var edge = new GraphEdge(from, to, output);
                outgoing[from].Add(edge);
                incoming[to].Add(edge);
            }
        }

        foreach (var cycle in FindCycles(successors))
        {
            var names = cycle.Select(i => nodes[i].Name).ToArray();
            problems.Add(new(WorkflowValidationCodes.Cycle, $"Connections form a cycle: {string.Join(" -> ", names)} -> {names[0]}.", nodeNames: names));
        }

        if (problems.Count > 0)
        {
            return null;
        }

        return new WorkflowGraph(
            workflow,
            nodes,
            [.. predecessors.Select(p => p.ToArray())],
            [.. successors.Select(s => s.ToArray())],
            [.. successorOutputs.Select(s => s.ToArray())],
            hasTemplates,
            indexByName.ToFrozenDictionary(StringComparer.Ordinal))
        {
            OutgoingEdges = [.. outgoing.Select(e => e.ToArray())],
            IncomingEdges = [.. incoming.Select(e => e.ToArray())],
        };
    }

    /// <summary>The limits of <see cref="FlowStreamOptions"/> a node's own settings can exceed: tries, waits and timeouts.</summary>
    private static void CheckLimits(NodeDefinition node, string label, FlowStreamOptions options, List<WorkflowValidationProblem> problems)
    {
        var nodeName = NullIfEmpty(node.Name);
        var maxWaitMs = (long)options.MaxWait.TotalMilliseconds;
        if (node.Retry is { } retry)
        {
            if (retry.MaxTries > options.MaxRetryTries)
            {
                problems.Add(new(WorkflowValidationCodes.TooManyTries, $"Node {label} asks for {retry.MaxTries} tries; at most {options.MaxRetryTries} are allowed (FlowStreamOptions.MaxRetryTries).", nodeName));
            }

            if (retry.WaitMs > maxWaitMs)
            {
                problems.Add(new(WorkflowValidationCodes.WaitTooLong, $"Node {label} asks to wait {retry.WaitMs} ms between tries; at most {maxWaitMs} ms are allowed (FlowStreamOptions.MaxWait).", nodeName));
            }
        }

        if (node.TimeoutMs is { } timeoutMs && timeoutMs > (long)options.MaxNodeTimeout.TotalMilliseconds)
        {
            problems.Add(new(WorkflowValidationCodes.TimeoutTooLong, $"Node {label} has a timeout of {timeoutMs} ms; at most {(long)options.MaxNodeTimeout.TotalMilliseconds} ms are allowed (FlowStreamOptions.MaxNodeTimeout).", nodeName));
        }

        // A literal delay of a wait node is checked now; a templated one is checked by the node when it runs.
        if (string.Equals(node.Type, BuiltInNodeTypes.Wait, StringComparison.Ordinal)
            && node.Parameters.ValueKind == JsonValueKind.Object
            && node.Parameters.TryGetProperty("ms"u8, out var ms)
            && ms.ValueKind == JsonValueKind.Number
            && ms.TryGetDouble(out var value)
            && value > maxWaitMs)
        {
            problems.Add(new(WorkflowValidationCodes.WaitTooLong, $"Node {label} asks to wait {ms.GetRawText()} ms; at most {maxWaitMs} ms are allowed (FlowStreamOptions.MaxWait).", nodeName));
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>One cycle per strongly connected component with more than one node, as a path in cycle order.</summary>
    private static List<int[]> FindCycles(List<int>[] successors)
    {
        var n = successors.Length;
        var cycles = new List<int[]>();

        // Kahn's algorithm first: an acyclic graph (the usual case) costs O(n + e) and nothing more.
        var inDegree = new int[n];
        foreach (var list in successors)
        {
            foreach (var s in list)
            {
                inDegree[s]++;
            }
        }

        var queue = new Queue<int>();
        for (var i = 0; i < n; i++)
        {
            if (inDegree[i] == 0)
            {
                queue.Enqueue(i);
            }
        }

        var removed = 0;
        while (queue.TryDequeue(out var i))
        {
            removed++;
            foreach (var s in successors[i])
            {
                if (--inDegree[s] == 0)
                {
                    queue.Enqueue(s);
                }
            }
        }

        if (removed == n)
        {
            return cycles;
        }

        // Tarjan's strongly connected components (iterative), over the nodes Kahn could not remove.
        var index = new int[n];
        var low = new int[n];
        var onStack = new bool[n];
        Array.Fill(index, -1);
        var stack = new Stack<int>();
        var counter = 0;
        var components = new List<List<int>>();
        for (var root = 0; root < n; root++)
        {
            if (inDegree[root] == 0 || index[root] >= 0)
            {
                continue;
            }

            var work = new Stack<(int Node, int Next)>();
            work.Push((root, 0));
            index[root] = low[root] = counter++;
            stack.Push(root);
            onStack[root] = true;
            while (work.Count > 0)
            {
                var (v, next) = work.Pop();
                if (next < successors[v].Count)
                {
                    work.Push((v, next + 1));
                    var w = successors[v][next];
                    if (inDegree[w] == 0)
                    {
                        continue;
                    }

                    if (index[w] < 0)
                    {
                        index[w] = low[w] = counter++;
                        stack.Push(w);
                        onStack[w] = true;
                        work.Push((w, 0));
                    }
                    else if (onStack[w])
                    {
                        low[v] = Math.Min(low[v], index[w]);
                    }

                    continue;
                }

                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    low[parent] = Math.Min(low[parent], low[v]);
                }

                if (low[v] == index[v])
                {
                    var component = new List<int>();
                    int w;
                    do
                    {
                        w = stack.Pop();
                        onStack[w] = false;
                        component.Add(w);
                    }
                    while (w != v);

                    if (component.Count > 1)
                    {
                        components.Add(component);
                    }
                }
            }
        }

        foreach (var component in components.OrderBy(c => c.Min()))
        {
            cycles.Add(ShortestCycleThrough(component.Min(), [.. component], successors));
        }

        return cycles;
    }

    /// <summary>The shortest cycle from <paramref name="start"/> back to itself inside one component.</summary>
    private static int[] ShortestCycleThrough(int start, HashSet<int> component, List<int>[] successors)
    {
        var parent = new Dictionary<int, int>();
        var queue = new Queue<int>();
        queue.Enqueue(start);
        while (queue.TryDequeue(out var v))
        {
            foreach (var w in successors[v])
            {
                if (!component.Contains(w))
                {
                    continue;
                }

                if (w == start)
                {
                    var path = new List<int> { v };
                    while (path[^1] != start)
                    {
                        path.Add(parent[path[^1]]);
                    }

                    path.Reverse();
                    return [.. path];
                }

                if (parent.TryAdd(w, v))
                {
                    queue.Enqueue(w);
                }
            }
        }

        return [.. component.Order()];
    }

    private static long CompactSize(JsonElement element)
    {
        var counter = new CountingBufferWriter();

        // Count UTF-8 bytes, not the default encoder's \uXXXX escapes of every non-ASCII character (6 bytes each).
        using (var writer = new Utf8JsonWriter(counter, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            element.WriteTo(writer);
        }

        return counter.Count;
    }

    /// <summary>Counts bytes written without keeping them.</summary>
    private sealed class CountingBufferWriter : IBufferWriter<byte>
    {
        private byte[] _scratch = new byte[4096];

        public long Count { get; private set; }

        public void Advance(int count) => Count += count;

        public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

        private byte[] Scratch(int sizeHint)
        {
            if (sizeHint > _scratch.Length)
            {
                _scratch = new byte[sizeHint];
            }

            return _scratch;
        }
    }
}
