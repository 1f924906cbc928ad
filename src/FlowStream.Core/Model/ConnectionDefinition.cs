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
    internal ConnectionDefinition(string? from, string? to)
    {
        From = from ?? "";
        To = to ?? "";
    }

    /// <summary>Gets the name of the node the connection starts at.</summary>
    public string From { get; init; } = "";

    /// <summary>Gets the name of the node the connection leads to.</summary>
    public string To { get; init; } = "";

    /// <inheritdoc />
    public override string ToString() => $"{From} -> {To}";
}
