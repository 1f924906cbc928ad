using System.Text.Json;
using FlowStream.Engine;
using Microsoft.Extensions.Logging;

namespace FlowStream;

/// <summary>Everything a node handler gets for one attempt of one node.</summary>
public sealed class NodeExecutionContext
{
    private readonly ExecutionRun _run;
    private readonly int _nodeIndex;
    private IReadOnlyDictionary<string, JsonElement>? _predecessorOutputs;
    private volatile bool _ended;

    internal NodeExecutionContext(ExecutionRun run, int nodeIndex, int attempt, JsonElement parameters, JsonElement input, ILogger logger)
    {
        _run = run;
        _nodeIndex = nodeIndex;
        Attempt = attempt;
        Parameters = parameters;
        Input = input;
        Logger = logger;
    }

    /// <summary>Gets the id of the execution.</summary>
    public long ExecutionId => _run.ExecutionId;

    /// <summary>Gets the id of the user who started the execution, or <see langword="null"/> for an anonymous caller.</summary>
    public string? OwnerId => _run.Request.OwnerId;

    /// <summary>Gets the node's definition.</summary>
    public NodeDefinition Node => _run.Graph.Nodes[_nodeIndex];

    /// <summary>Gets the attempt number, from 1.</summary>
    public int Attempt { get; }

    /// <summary>Gets the node's parameters with every <c>{{ ... }}</c> template resolved (an empty object when it has none).</summary>
    public JsonElement Parameters { get; }

    /// <summary>
    /// Gets the node's input, <c>$json</c>: the output its incoming connection carried, or the shallow merge of the object
    /// outputs of every connection that carried one, in connection order (later ones win); an empty object when it has none.
    /// </summary>
    public JsonElement Input { get; }

    /// <summary>Gets the outputs that arrived at this node, by the name of the node they came from, in connection order.</summary>
    public IReadOnlyDictionary<string, JsonElement> PredecessorOutputs => _predecessorOutputs ??= _run.GetArrivedOutputs(_nodeIndex);

    /// <summary>Gets the execution's input data (<c>$input</c>); an empty object when none was given.</summary>
    public JsonElement InputData => _run.InputData;

    /// <summary>Gets the execution's scoped service provider (one scope per execution, disposed when it finishes).</summary>
    public IServiceProvider Services => _run.Services;

    /// <summary>Gets a logger for this node type.</summary>
    public ILogger Logger { get; }

    /// <summary>Gets the output of any node of the execution that has finished.</summary>
    /// <param name="nodeName">The node's name.</param>
    /// <param name="output">Its output.</param>
    /// <returns><see langword="true"/> if that node has finished with an output.</returns>
    public bool TryGetNodeOutput(string nodeName, out JsonElement output) => _run.TryGetNodeOutput(nodeName, out output);

    /// <summary>
    /// Publishes partial output of this node at once, as a <c>nodeExecutionProgress</c> event whose <c>data</c> is
    /// <paramref name="data"/> (for example <c>{"delta": "..."}</c> for a language model's text).
    /// </summary>
    /// <param name="data">The partial output.</param>
    /// <remarks>Progress reported once this attempt is over (it timed out, was canceled, or its node finished) is dropped.</remarks>
    public void ReportProgress(JsonElement data)
    {
        if (!_ended)
        {
            _run.PublishProgress(this, _nodeIndex, data);
        }
    }

    internal bool HasEnded => _ended;

    /// <summary>Ends the attempt: nothing it reports afterwards is published.</summary>
    internal void End() => _ended = true;
}
