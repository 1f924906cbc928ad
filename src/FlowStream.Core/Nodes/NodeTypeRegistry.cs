using System.Collections.Frozen;

namespace FlowStream.Nodes;

/// <summary>The node types known to the engine. When a type is registered twice, the last registration wins.</summary>
internal sealed class NodeTypeRegistry
{
    private readonly FrozenDictionary<string, NodeTypeRegistration> _types;

    public NodeTypeRegistry(IEnumerable<NodeTypeRegistration> registrations)
    {
        var types = new Dictionary<string, NodeTypeRegistration>(StringComparer.Ordinal);
        foreach (var registration in registrations)
        {
            types[registration.Type] = registration;
        }

        _types = types.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public bool TryGet(string type, out NodeTypeRegistration registration) => _types.TryGetValue(type, out registration!);

    public IEnumerable<string> Types => _types.Keys;
}
