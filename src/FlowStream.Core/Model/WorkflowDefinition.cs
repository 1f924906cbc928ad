using System.Text.Json;
using System.Text.Json.Serialization;
using FlowStream.Serialization;

namespace FlowStream;

/// <summary>
/// A workflow: a directed acyclic graph of <see cref="NodeDefinition"/>s joined by
/// <see cref="ConnectionDefinition"/>s. Loaded from camelCase JSON with <see cref="FromJson(string)"/>
/// or built in code with <see cref="WorkflowBuilder"/>.
/// </summary>
/// <remarks>
/// A definition is a description only: it is validated each time it is started, so an invalid
/// definition can be built and serialized, but never run.
/// </remarks>
public sealed class WorkflowDefinition
{
    /// <summary>Initializes a new, empty workflow definition.</summary>
    public WorkflowDefinition()
    {
    }

    // Used by the JSON source generator, which would otherwise set omitted properties to null (see NodeRetryPolicy).
    [JsonConstructor]
    internal WorkflowDefinition(string? id, string? name, IReadOnlyList<NodeDefinition>? nodes, IReadOnlyList<ConnectionDefinition>? connections, WorkflowSettings? settings)
    {
        Id = id ?? "";
        Name = name ?? "";
        Nodes = nodes ?? [];
        Connections = connections ?? [];
        Settings = settings;
    }

    /// <summary>Gets the workflow's identifier (for example the flow id a store looks it up by).</summary>
    public string Id { get; init; } = "";

    /// <summary>Gets the workflow's display name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Gets the nodes, in definition order. Definition order breaks ties between nodes that are ready at the same time.</summary>
    public IReadOnlyList<NodeDefinition> Nodes { get; init; } = [];

    /// <summary>Gets the connections between nodes.</summary>
    public IReadOnlyList<ConnectionDefinition> Connections { get; init; } = [];

    /// <summary>Gets the optional execution settings of this workflow.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public WorkflowSettings? Settings { get; init; }

    /// <summary>Reads a workflow from camelCase JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The workflow.</returns>
    /// <exception cref="JsonException">The text is not a JSON workflow.</exception>
    public static WorkflowDefinition FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return JsonSerializer.Deserialize(json, FlowStreamJsonContext.Default.WorkflowDefinition)
            ?? throw new JsonException("The JSON text is 'null', not a workflow.");
    }

    /// <summary>Reads a workflow from camelCase UTF-8 JSON.</summary>
    /// <param name="utf8Json">The UTF-8 encoded JSON.</param>
    /// <returns>The workflow.</returns>
    /// <exception cref="JsonException">The text is not a JSON workflow.</exception>
    public static WorkflowDefinition FromJson(ReadOnlySpan<byte> utf8Json)
        => JsonSerializer.Deserialize(utf8Json, FlowStreamJsonContext.Default.WorkflowDefinition)
            ?? throw new JsonException("The JSON text is 'null', not a workflow.");

    /// <summary>Reads a workflow from a stream of camelCase UTF-8 JSON.</summary>
    /// <param name="utf8Json">The stream to read.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The workflow.</returns>
    /// <exception cref="JsonException">The text is not a JSON workflow.</exception>
    public static async ValueTask<WorkflowDefinition> FromJsonAsync(Stream utf8Json, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        return await JsonSerializer.DeserializeAsync(utf8Json, FlowStreamJsonContext.Default.WorkflowDefinition, cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException("The JSON text is 'null', not a workflow.");
    }

    /// <summary>Writes this workflow as camelCase JSON.</summary>
    /// <param name="indented"><see langword="true"/> to indent the output.</param>
    /// <returns>The JSON text.</returns>
    public string ToJson(bool indented = false)
        => JsonSerializer.Serialize(this, indented ? FlowStreamJsonContext.Indented.WorkflowDefinition : FlowStreamJsonContext.Default.WorkflowDefinition);

    /// <inheritdoc />
    public override string ToString() => $"Workflow '{Name}' ({Id}), {Nodes.Count} node(s)";
}
