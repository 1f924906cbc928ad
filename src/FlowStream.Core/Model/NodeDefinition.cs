using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlowStream;

/// <summary>One node of a <see cref="WorkflowDefinition"/>.</summary>
public sealed class NodeDefinition
{
    /// <summary>Initializes a new node definition.</summary>
    public NodeDefinition()
    {
    }

    // Used by the JSON source generator, which would otherwise set omitted properties to null (see NodeRetryPolicy).
    [JsonConstructor]
    internal NodeDefinition(string? name, string? type, JsonElement parameters, NodeRetryPolicy? retry, int? timeoutMs, bool continueOnFail, bool disabled, NodeErrorHandling onError)
    {
        Name = name ?? "";
        Type = type ?? "";
        Parameters = parameters;
        Retry = retry;
        TimeoutMs = timeoutMs;
        ContinueOnFail = continueOnFail;
        Disabled = disabled;
        OnError = onError;
    }

    /// <summary>Gets the node's name, unique within its workflow. Connections and templates refer to nodes by name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Gets the node type: the key its <see cref="INodeHandler"/> is registered under.</summary>
    public string Type { get; init; } = "";

    /// <summary>
    /// Gets the node's parameters: a JSON object whose string values may hold <c>{{ ... }}</c> templates.
    /// Undefined (<see langword="default"/>) means no parameters.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public JsonElement Parameters { get; init; }

    /// <summary>Gets the retry policy; <see langword="null"/> runs the node once.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NodeRetryPolicy? Retry { get; init; }

    /// <summary>Gets the time one attempt may take, in milliseconds; <see langword="null"/> for no limit.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TimeoutMs { get; init; }

    /// <summary>Gets a value indicating whether a failure of this node becomes its output (<c>{"error": {"message": ...}}</c>) and the graph goes on.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ContinueOnFail { get; init; }

    /// <summary>
    /// Gets what a failure of this node (after its retries) does (JSON <c>onError</c>): <c>"stopWorkflow"</c> (the default) fails the
    /// execution unless <see cref="ContinueOnFail"/> is set; <c>"errorOutput"</c> sends <c>{"error": {"message": ...}}</c> down the
    /// node's <see cref="NodeOutputs.Error"/> output and the graph goes on.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public NodeErrorHandling OnError { get; init; }

    /// <summary>Gets a value indicating whether the node is disabled: it does not run and passes its input through.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Disabled { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Name} ({Type})";
}
