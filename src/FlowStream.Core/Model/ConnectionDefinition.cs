using System.Text.Json.Serialization;

namespace FlowStream;

/// <summary>A directed edge of a workflow: <see cref="To"/> runs after <see cref="From"/> has succeeded.</summary>
public sealed class ConnectionDefinition
{
    /// <summary>Initializes a new connection.</summary>
    public ConnectionDefinition()
    {
    }

    // Used by the JSON source generator, which would otherwise set omitted properties to null (see NodeRetryPolicy).
    [JsonConstructor]
    internal ConnectionDefinition(string? from, string? to, string? fromOutput = null)
    {
        From = from ?? "";
        To = to ?? "";
        FromOutput = fromOutput;
    }

    /// <summary>Gets the name of the node the connection starts at.</summary>
    public string From { get; init; } = "";

    /// <summary>Gets the name of the node the connection leads to.</summary>
    public string To { get; init; } = "";

    /// <summary>
    /// Gets the output of <see cref="From"/> the connection leaves by (<c>"true"</c> of an <c>if</c> node, say); <see langword="null"/>
    /// means <c>"main"</c>. A connection from an output the node did not take carries nothing.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FromOutput { get; init; }

    /// <inheritdoc />
    public override string ToString() => FromOutput is null ? $"{From} -> {To}" : $"{From}[{FromOutput}] -> {To}";
}
