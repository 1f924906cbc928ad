using System.Net;

namespace FlowStream.Nodes.Gemini;

/// <summary>
/// A request to the Gemini API failed: the API answered with an error (its own <c>status</c> and <c>message</c> are in the
/// exception's message, for example <c>Gemini API error 400 INVALID_ARGUMENT: API key not valid. Please pass a valid API key.</c>),
/// the transport failed or timed out after every allowed attempt, or a stream broke off after part of it was delivered.
/// </summary>
/// <remarks>The message never contains the API key.</remarks>
public sealed class GeminiException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public GeminiException()
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">What went wrong.</param>
    public GeminiException(string? message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public GeminiException(string? message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal GeminiException(string message, HttpStatusCode? statusCode, string? status, bool isTransient, TimeSpan? retryDelay, int attempts, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Status = status;
        IsTransient = isTransient;
        RetryDelay = retryDelay;
        Attempts = attempts;
    }

    /// <summary>Gets the HTTP status code of the API's error, or <see langword="null"/> for a transport failure or timeout.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets the API's canonical status (for example <c>INVALID_ARGUMENT</c>, <c>RESOURCE_EXHAUSTED</c>), when it sent one.</summary>
    public string? Status { get; }

    /// <summary>
    /// Gets a value indicating whether the failure was of a kind that is retried (408, 429, 5xx, transport failure, timeout) and
    /// the request may succeed later. <see langword="false"/> for a stream that failed after its first chunk, which is not retried,
    /// and for a 429 of an exhausted daily quota. The <c>gemini</c> node does not repeat a failure that is not transient.
    /// </summary>
    public bool IsTransient { get; }

    /// <summary>Gets the delay the server asked for (<c>RetryInfo.retryDelay</c> or <c>Retry-After</c>), when it asked for one.</summary>
    public TimeSpan? RetryDelay { get; }

    /// <summary>Gets how many attempts were made; 0 for an exception created outside <see cref="GeminiChatClient"/>.</summary>
    public int Attempts { get; }
}
