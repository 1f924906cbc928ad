using System.Text.Json;

namespace FlowStream;

/// <summary>What a node produced: its output, or a failure message.</summary>
public sealed class NodeResult
{
    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private NodeResult(JsonElement output, string? errorMessage, bool isRetryable = true)
    {
        Output = output;
        ErrorMessage = errorMessage;
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

    /// <summary>Creates a successful result.</summary>
    /// <param name="output">The node's output, usually a JSON object. It is cloned if it belongs to a disposable <see cref="JsonDocument"/>.</param>
    /// <returns>The result.</returns>
    public static NodeResult Success(JsonElement output)
        => new(output.ValueKind == JsonValueKind.Undefined ? s_emptyObject : output.Clone(), null);

    /// <summary>Creates a successful result whose output is an empty object.</summary>
    /// <returns>The result.</returns>
    public static NodeResult Success() => new(s_emptyObject, null);

    /// <summary>Creates a failed result.</summary>
    /// <param name="message">What went wrong; it becomes the node's <c>error.message</c>.</param>
    /// <returns>The result.</returns>
    public static NodeResult Failure(string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new(s_emptyObject, message);
    }

    /// <summary>Creates a failed result, saying whether the node's <c>retry</c> policy may try it again.</summary>
    /// <param name="message">What went wrong; it becomes the node's <c>error.message</c>.</param>
    /// <param name="isRetryable"><see langword="false"/> when another try cannot succeed: the node then fails at once, whatever its <c>retry.maxTries</c>.</param>
    /// <returns>The result.</returns>
    public static NodeResult Failure(string message, bool isRetryable)
    {
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new(s_emptyObject, message, isRetryable);
    }

    internal static JsonElement EmptyObject => s_emptyObject;
}
