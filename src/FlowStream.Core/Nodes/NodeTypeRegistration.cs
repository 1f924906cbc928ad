namespace FlowStream.Nodes;

/// <summary>One registered node type: its key and how to get its handler from an execution's scope.</summary>
internal sealed class NodeTypeRegistration(string type, Func<IServiceProvider, INodeHandler> factory)
{
    public string Type { get; } = type;

    public Func<IServiceProvider, INodeHandler> Factory { get; } = factory;
}
