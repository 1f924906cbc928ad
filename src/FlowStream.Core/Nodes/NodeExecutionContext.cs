using System.Text.Json;
using FlowStream.Engine;
using Microsoft.Extensions.Logging;

namespace FlowStream;

/// <summary>Everything a node handler gets for one attempt of one node.</summary>
public sealed class NodeExecutionContext
{
    private readonly ExecutionRunner _runner;
    private readonly int _nodeIndex;
    private IReadOnlyDictionary<string, JsonElement>? _predecessorOutputs;

    internal NodeExecutionContext(ExecutionRunner runner, int nodeIndex, int attempt, JsonElement parameters, JsonElement input, IServiceProvider services, ILogger logger)
    {
        _runner = runner;
        _nodeIndex = nodeIndex;
        Attempt = attempt;
        Parameters = parameters;
        Input = input;
        Services = services;
        Logger = logger;
    }

    /// <summary>Gets the id of the execution.</summary>
    public long ExecutionId => _runner.ExecutionId;

    /// <summary>Gets the id of the user who owns the execution, or <see langword="null"/> when it is anonymous.</summary>
    public string? OwnerId => _runner.Execution.OwnerId;

    /// <summary>Gets the node's definition.</summary>
    public NodeDefinition Node => _runner.Graph.Nodes[_nodeIndex];

    /// <summary>Gets the attempt number, from 1.</summary>
    public int Attempt { get; }

    /// <summary>Gets the node's parameters with every <c>{{ ... }}</c> template resolved (an empty object when it has none).</summary>
    public JsonElement Parameters { get; }

    /// <summary>
    /// Gets the node's input, <c>$json</c>: the output of its direct predecessor, or the shallow merge of the predecessors'
    /// object outputs in connection order (later ones win) when it has several, or an empty object when it has none.
    /// </summary>
    public JsonElement Input { get; }

    /// <summary>Gets the outputs of the node's direct predecessors, by node name.</summary>
    public IReadOnlyDictionary<string, JsonElement> PredecessorOutputs => _predecessorOutputs ??= _runner.GetPredecessorOutputs(_nodeIndex);

    /// <summary>Gets the execution's input data (<c>$input</c>); an empty object when none was given.</summary>
    public JsonElement InputData => _runner.InputData;

    /// <summary>Gets the execution's scoped service provider.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets a logger for this node type.</summary>
    public ILogger Logger { get; }

    /// <summary>Gets the output of any node of the execution that has finished.</summary>
    /// <param name="nodeName">The node's name.</param>
    /// <param name="output">Its output.</param>
    /// <returns><see langword="true"/> if that node has finished with an output.</returns>
    public bool TryGetNodeOutput(string nodeName, out JsonElement output) => _runner.TryGetNodeOutput(nodeName, out output);

    /// <summary>
    /// Publishes partial output of this node at once, as a <c>nodeExecutionProgress</c> event whose <c>data</c> is
    /// <paramref name="data"/> (for example <c>{"delta": "..."}</c> for a language model's text).
    /// </summary>
    /// <param name="data">The partial output.</param>
    /// <remarks>Progress reported after the node has finished (by a handler that ignored its cancellation) is dropped.</remarks>
    public void ReportProgress(JsonElement data) => _runner.PublishProgress(_nodeIndex, data);
}
