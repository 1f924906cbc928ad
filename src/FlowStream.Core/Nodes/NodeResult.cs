using System.Text.Json;

namespace FlowStream;

/// <summary>What a node produced: its output and the output(s) it leaves by, or a failure message.</summary>
public sealed class NodeResult
{
    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement.Clone();
    private static readonly IReadOnlyList<string> s_main = [NodeOutputs.Main];

    private NodeResult(JsonElement output, string? errorMessage, IReadOnlyList<string> outputs)
    {
        Output = output;
        ErrorMessage = errorMessage;
        Outputs = outputs;
    }

    /// <summary>Gets the node's output (an empty object for a failure).</summary>
    public JsonElement Output { get; }

    /// <summary>Gets the failure message, or <see langword="null"/> when the node succeeded.</summary>
    public string? ErrorMessage { get; }

    /// <summary>Gets a value indicating whether the node succeeded.</summary>
    public bool IsSuccess => ErrorMessage is null;

    /// <summary>
    /// Gets the outputs the result leaves the node by: <c>["main"]</c> unless the handler chose others (<c>if</c>: <c>true</c> or
    /// <c>false</c>; <c>switch</c>: one or more rule outputs, or <c>fallback</c>). Only the connections whose <c>fromOutput</c> is one of
    /// them carry <see cref="Output"/>; the others carry nothing. Never empty, without duplicates.
    /// </summary>
    public IReadOnlyList<string> Outputs { get; }

    /// <summary>Creates a successful result that leaves by <see cref="NodeOutputs.Main"/>.</summary>
    /// <param name="output">The node's output, usually a JSON object. It is cloned if it belongs to a disposable <see cref="JsonDocument"/>.</param>
    /// <returns>The result.</returns>
    public static NodeResult Success(JsonElement output) => new(Normalize(output), null, s_main);

    /// <summary>Creates a successful result that leaves by one named output.</summary>
    /// <param name="output">The node's output. It is cloned if it belongs to a disposable <see cref="JsonDocument"/>.</param>
    /// <param name="outputName">The output it leaves by, for example <see cref="NodeOutputs.True"/>; one the node type declares.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException"><paramref name="outputName"/> is null or empty.</exception>
    public static NodeResult Success(JsonElement output, string outputName)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        return new(Normalize(output), null, outputName == NodeOutputs.Main ? s_main : [outputName]);
    }

    /// <summary>Creates a successful result that leaves by several outputs at once (the <c>switch</c> node's <c>"mode": "all"</c>).</summary>
    /// <param name="output">The node's output; every one of the outputs carries it.</param>
    /// <param name="outputNames">The outputs, at least one; duplicates are ignored.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException"><paramref name="outputNames"/> is empty or holds a null or empty name.</exception>
    public static NodeResult Success(JsonElement output, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(outputNames);
        if (outputNames.Count == 0)
        {
            throw new ArgumentException("A result leaves by at least one output.", nameof(outputNames));
        }

        var distinct = new List<string>(outputNames.Count);
        foreach (var name in outputNames)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("An output name is null or empty.", nameof(outputNames));
            }

            if (!distinct.Contains(name, StringComparer.Ordinal))
            {
                distinct.Add(name);
            }
        }

        return new(Normalize(output), null, distinct.Count == 1 && distinct[0] == NodeOutputs.Main ? s_main : distinct.AsReadOnly());
    }

    /// <summary>Creates a successful result whose output is an empty object.</summary>
    /// <returns>The result.</returns>
    public static NodeResult Success() => new(s_emptyObject, null, s_main);

    /// <summary>Creates a failed result.</summary>
    /// <param name="message">What went wrong; it becomes the node's <c>error.message</c>.</param>
    /// <returns>The result.</returns>
    public static NodeResult Failure(string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new(s_emptyObject, message, s_main);
    }

    internal static JsonElement EmptyObject => s_emptyObject;

    private static JsonElement Normalize(JsonElement output) => output.ValueKind == JsonValueKind.Undefined ? s_emptyObject : output.Clone();
}
