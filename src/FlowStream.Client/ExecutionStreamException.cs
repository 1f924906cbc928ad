using System.Net;
using System.Text.Json;

namespace FlowStream.Client;

/// <summary>
/// An execution endpoint failed: the server answered with a status code that is not a success (see
/// <see cref="StatusCode"/> and, from its RFC 9457 <c>application/problem+json</c> body, <see cref="ProblemType"/>,
/// <see cref="Title"/> and <see cref="Detail"/>), or a stream could not go on (re-attach attempts exhausted, the
/// execution id unknown, or the server broke the wire contract; then <see cref="StatusCode"/> is <see langword="null"/>
/// and <see cref="Exception.InnerException"/> holds the cause).
/// </summary>
public sealed class ExecutionStreamException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public ExecutionStreamException()
        : this("An execution endpoint failed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public ExecutionStreamException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the exception that caused it.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ExecutionStreamException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the HTTP status code the server answered with, or <see langword="null"/> when the failure is not an HTTP answer.</summary>
    public HttpStatusCode? StatusCode { get; init; }

    /// <summary>Gets the problem's <c>type</c> (a URI reference that identifies the kind of problem), when the answer had a problem body that says.</summary>
    public string? ProblemType { get; init; }

    /// <summary>Gets the problem's <c>title</c>, a short summary of its kind, when the answer had a problem body that says.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the problem's <c>detail</c>, what went wrong this time, when the answer had a problem body that says.</summary>
    public string? Detail { get; init; }

    /// <summary>Gets the whole JSON problem body (with any extension members, such as a list of validation errors), or <see langword="null"/> if the answer had none.</summary>
    public JsonElement? Problem { get; init; }

    /// <summary>Gets the id of the execution concerned, when it was known.</summary>
    public long? ExecutionId { get; init; }
}
