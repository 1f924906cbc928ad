using System.Text.Json;
using FlowStream.Serialization;

namespace FlowStream;

/// <summary>Builds a <see cref="WorkflowDefinition"/> in code.</summary>
/// <example>
/// <code>
/// var workflow = new WorkflowBuilder("greet", "Greet")
///     .AddNode("Start", "manualTrigger")
///     .AddNode("Greet", "set", """{"values": {"greeting": "Hello {{ $json.name }}"}}""")
///     .Connect("Start", "Greet")
///     .Build();
/// </code>
/// </example>
public sealed class WorkflowBuilder
{
    private readonly string _id;
    private readonly string _name;
    private readonly List<NodeDefinition> _nodes = [];
    private readonly List<ConnectionDefinition> _connections = [];
    private int? _maxDegreeOfParallelism;

    /// <summary>Initializes a new builder.</summary>
    /// <param name="id">The workflow's identifier.</param>
    /// <param name="name">The workflow's display name; defaults to <paramref name="id"/>.</param>
    public WorkflowBuilder(string id, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(id);
        _id = id;
        _name = name ?? id;
    }

    /// <summary>Adds a node.</summary>
    /// <param name="node">The node.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddNode(NodeDefinition node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _nodes.Add(node);
        return this;
    }

    /// <summary>Adds a node without parameters.</summary>
    /// <param name="name">The node's unique name.</param>
    /// <param name="type">The registered node type.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddNode(string name, string type)
        => AddNode(new NodeDefinition { Name = name, Type = type });

    /// <summary>Adds a node with parameters.</summary>
    /// <param name="name">The node's unique name.</param>
    /// <param name="type">The registered node type.</param>
    /// <param name="parameters">The parameters (a JSON object).</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder AddNode(string name, string type, JsonElement parameters)
        => AddNode(new NodeDefinition { Name = name, Type = type, Parameters = parameters });

    /// <summary>Adds a node whose parameters are given as JSON text.</summary>
    /// <param name="name">The node's unique name.</param>
    /// <param name="type">The registered node type.</param>
    /// <param name="parametersJson">The parameters as a JSON object.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="JsonException"><paramref name="parametersJson"/> is not valid JSON.</exception>
    public WorkflowBuilder AddNode(string name, string type, string parametersJson)
    {
        ArgumentNullException.ThrowIfNull(parametersJson);
        return AddNode(name, type, JsonSerializer.Deserialize(parametersJson, FlowStreamJsonContext.Default.JsonElement));
    }

    /// <summary>Connects two nodes: <paramref name="to"/> runs after <paramref name="from"/> has succeeded.</summary>
    /// <param name="from">The name of the earlier node.</param>
    /// <param name="to">The name of the later node.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder Connect(string from, string to)
    {
        _connections.Add(new ConnectionDefinition { From = from, To = to });
        return this;
    }

    /// <summary>Connects an output of one node to another: <paramref name="to"/> runs when <paramref name="from"/> has left by <paramref name="fromOutput"/>.</summary>
    /// <param name="from">The name of the earlier node.</param>
    /// <param name="to">The name of the later node.</param>
    /// <param name="fromOutput">The output of <paramref name="from"/>, for example <see cref="NodeOutputs.True"/>; <see langword="null"/> for <see cref="NodeOutputs.Main"/>.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder Connect(string from, string to, string? fromOutput)
    {
        _connections.Add(new ConnectionDefinition { From = from, To = to, FromOutput = fromOutput });
        return this;
    }

    /// <summary>Connects the given nodes one after another: the first to the second, the second to the third, and so on.</summary>
    /// <param name="names">The node names in order.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder Chain(params ReadOnlySpan<string> names)
    {
        for (var i = 1; i < names.Length; i++)
        {
            Connect(names[i - 1], names[i]);
        }

        return this;
    }

    /// <summary>Sets how many nodes of one execution may run at once.</summary>
    /// <param name="maxDegreeOfParallelism">At least 1.</param>
    /// <returns>This builder.</returns>
    public WorkflowBuilder WithMaxDegreeOfParallelism(int maxDegreeOfParallelism)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
        return this;
    }

    /// <summary>Creates the workflow. The builder can be used again afterwards.</summary>
    /// <returns>The workflow definition (not yet validated: validation happens when it is started).</returns>
    public WorkflowDefinition Build() => new()
    {
        Id = _id,
        Name = _name,
        Nodes = [.. _nodes],
        Connections = [.. _connections],
        Settings = _maxDegreeOfParallelism is { } dop ? new WorkflowSettings { MaxDegreeOfParallelism = dop } : null,
    };
}
