using System.Text.Json.Serialization;

namespace FlowStream;

/// <summary>
/// A directed edge of a workflow: <see cref="To"/> runs after <see cref="From"/> has succeeded and left by
/// <see cref="FromOutput"/> (see <see cref="NodeOutputs"/>).
/// </summary>
public sealed class ConnectionDefinition
{
    /// <summary>Initializes a new connection.</summary>
    public ConnectionDefinition()
    {
    }

    // Used by the JSON source generator, which would otherwise set omitted properties to null (see NodeRetryPolicy).
    [JsonConstructor]
    internal ConnectionDefinition(string? from, string? to, string? fromOutput)
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
    /// Gets the output of <see cref="From"/> the connection starts at (JSON <c>fromOutput</c>); <see langword="null"/> (or absent)
    /// means <see cref="NodeOutputs.Main"/>. The connection carries something only when the node's result left by this output:
    /// <c>"true"</c>/<c>"false"</c> for <c>if</c>, a rule's output or <c>"fallback"</c> for <c>switch</c>, <c>"error"</c> for a
    /// node whose <see cref="NodeDefinition.OnError"/> is <see cref="NodeErrorHandling.ErrorOutput"/>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FromOutput { get; init; }

    /// <summary>Gets the output the connection starts at: <see cref="FromOutput"/>, or <see cref="NodeOutputs.Main"/> when that is <see langword="null"/> or empty.</summary>
    [JsonIgnore]
    public string EffectiveFromOutput => string.IsNullOrEmpty(FromOutput) ? NodeOutputs.Main : FromOutput;

    /// <inheritdoc />
    public override string ToString() => FromOutput is null or "" or NodeOutputs.Main ? $"{From} -> {To}" : $"{From}.{FromOutput} -> {To}";
}
