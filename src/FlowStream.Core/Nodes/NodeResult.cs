using System.Text.Json;

namespace FlowStream;

/// <summary>What a node produced: its output and the output(s) it leaves by, or a failure message.</summary>
public sealed class NodeResult
{
    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement.Clone();
    private static readonly string[] s_main = [NodeOutputs.Main];
    private static readonly NodeResult s_emptySuccess = new(s_emptyObject, null, s_main);

    private NodeResult(JsonElement output, string? errorMessage, string[] outputs, bool isRetryable = true)
    {
        Output = output;
        ErrorMessage = errorMessage;
        OutputNames = outputs;
        IsRetryable = isRetryable;
    }

    /// <summary>Gets the node's output (an empty object for a failure).</summary>
    public JsonElement Output { get; }

    /// <summary>Gets the failure message, or <see langword="null"/> when the node succeeded.</summary>
    public string? ErrorMessage { get; }

    /// <summary>Gets a value indicating whether the node succeeded.</summary>
    public bool IsSuccess => ErrorMessage is null;

    /// <summary>
    /// Gets a value indicating whether trying the node again may help: <see langword="false"/> for a failure the node knows to be
    /// permanent (an invalid request, a refused key, an exhausted daily quota), which the node's <c>retry</c> policy does not repeat.
    /// </summary>
    public bool IsRetryable { get; }

    /// <summary>Gets the outputs the result leaves by: <c>["main"]</c> unless the handler named others (see <see cref="NodeOutputs"/>).</summary>
    public IReadOnlyList<string> Outputs => OutputNames;

    internal string[] OutputNames { get; }

    internal static JsonElement EmptyObject => s_emptyObject;

    /// <summary>Creates a successful result that leaves by <c>main</c>.</summary>
    /// <param name="output">The node's output, usually a JSON object. It is cloned if it belongs to a disposable <see cref="JsonDocument"/>.</param>
    /// <returns>The result.</returns>
    public static NodeResult Success(JsonElement output)
        => new(output.ValueKind == JsonValueKind.Undefined ? s_emptyObject : output.Clone(), null, s_main);

    /// <summary>Creates a successful result that leaves by the output named <paramref name="outputName"/> (<c>"true"</c> of an <c>if</c>, say).</summary>
    /// <param name="output">The node's output.</param>
    /// <param name="outputName">The output the result leaves by; connections from other outputs carry nothing.</param>
    /// <returns>The result.</returns>
    public static NodeResult Success(JsonElement output, string outputName)
    {
        ArgumentException.ThrowIfNullOrEmpty(outputName);
        return new(output.ValueKind == JsonValueKind.Undefined ? s_emptyObject : output.Clone(), null, outputName == NodeOutputs.Main ? s_main : [outputName]);
    }

    /// <summary>Creates a successful result that leaves by several outputs at once (a <c>switch</c> in <c>"all"</c> mode, say).</summary>
    /// <param name="output">The node's output.</param>
    /// <param name="outputNames">The outputs the result leaves by: at least one; duplicates are ignored.</param>
    /// <returns>The result.</returns>
    public static NodeResult Success(JsonElement output, IReadOnlyList<string> outputNames)
    {
        ArgumentNullException.ThrowIfNull(outputNames);
        if (outputNames.Count == 0)
        {
            throw new ArgumentException("A result leaves by at least one output.", nameof(outputNames));
        }

        var names = new List<string>(outputNames.Count);
        foreach (var name in outputNames)
        {
            if (string.IsNullOrEmpty(name))
            {
                throw new ArgumentException("An output name is null or empty.", nameof(outputNames));
            }

            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        return new(output.ValueKind == JsonValueKind.Undefined ? s_emptyObject : output.Clone(), null, names is [NodeOutputs.Main] ? s_main : [.. names]);
    }

    /// <summary>Creates a successful result whose output is an empty object.</summary>
    /// <returns>The result.</returns>
    public static NodeResult Success() => s_emptySuccess;

    /// <summary>Creates a failed result.</summary>
    /// <param name="message">What went wrong; it becomes the node's <c>error.message</c>.</param>
    /// <returns>The result.</returns>
    public static NodeResult Failure(string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new(s_emptyObject, message, s_main);
    }

    /// <summary>Creates a failed result, saying whether the node's <c>retry</c> policy may try it again.</summary>
    /// <param name="message">What went wrong; it becomes the node's <c>error.message</c>.</param>
    /// <param name="isRetryable"><see langword="false"/> when another try cannot succeed: the node then fails at once, whatever its <c>retry.maxTries</c>.</param>
    /// <returns>The result.</returns>
    public static NodeResult Failure(string message, bool isRetryable)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new(s_emptyObject, message, s_main, isRetryable);
    }
}
