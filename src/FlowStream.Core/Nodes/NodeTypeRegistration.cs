namespace FlowStream.Nodes;

/// <summary>One registered node type: its key, how to get its handler from an execution's scope, and the outputs it declares.</summary>
internal sealed class NodeTypeRegistration(string type, Func<IServiceProvider, INodeHandler> factory, Func<NodeDefinition, IEnumerable<string>>? outputs = null)
{
    public string Type { get; } = type;

    public Func<IServiceProvider, INodeHandler> Factory { get; } = factory;

    /// <summary>The outputs a node of this type declares besides <see cref="NodeOutputs.Main"/>, from its definition; null for none.</summary>
    public Func<NodeDefinition, IEnumerable<string>>? Outputs { get; } = outputs;

    /// <summary>Every output a connection may start at on <paramref name="node"/>: <c>main</c>, the declared ones, and <c>error</c> when its <c>onError</c> is <c>errorOutput</c>.</summary>
    public HashSet<string> GetOutputs(NodeDefinition node)
    {
        var outputs = new HashSet<string>(StringComparer.Ordinal) { NodeOutputs.Main };
        if (Outputs is not null)
        {
            foreach (var output in Outputs(node))
            {
                if (!string.IsNullOrEmpty(output))
                {
                    outputs.Add(output);
                }
            }
        }

        if (node.OnError == NodeErrorHandling.ErrorOutput)
        {
            outputs.Add(NodeOutputs.Error);
        }

        return outputs;
    }
}
