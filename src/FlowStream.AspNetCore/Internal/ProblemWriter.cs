using System.Buffers;
using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace FlowStream.AspNetCore.Internal;

/// <summary>Writes RFC 9457 problem details (<c>application/problem+json</c>) before any stream is opened.</summary>
internal static class ProblemWriter
{
    /// <summary>
    /// Problem details are JSON read by people and programs, never embedded in HTML: apostrophes, quotes in names and non-ASCII
    /// text stay as they are instead of <c>\u0027</c>-style escapes (JSON's own escapes still apply).
    /// </summary>
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, int status, string type, string title, string detail, Action<Utf8JsonWriter>? extensions = null)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, type);
            writer.WriteString("title"u8, title);
            writer.WriteNumber("status"u8, status);
            writer.WriteString("detail"u8, detail);
            writer.WriteString("instance"u8, $"{context.Request.PathBase}{context.Request.Path}");
            writer.WriteString("traceId"u8, Activity.Current?.Id ?? context.TraceIdentifier);
            extensions?.Invoke(writer);
            writer.WriteEndObject();
        }

        await WriteJsonAsync(context, status, "application/problem+json", buffer).ConfigureAwait(false);
    }

    /// <summary>Writes a complete JSON answer that must not be cached.</summary>
    public static async Task WriteJsonAsync(HttpContext context, int status, string contentType, ArrayBufferWriter<byte> body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.WrittenCount;
        response.Headers.CacheControl = "no-store";
        await response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    public static Task NotFoundAsync(HttpContext context, string detail)
        => WriteAsync(context, StatusCodes.Status404NotFound, ExecutionStreamProblemTypes.NotFound, "Not Found", detail);

    public static Task InvalidRequestAsync(HttpContext context, string detail)
        => WriteAsync(context, StatusCodes.Status400BadRequest, ExecutionStreamProblemTypes.InvalidRequest, "Invalid request", detail);

    public static Task InvalidWorkflowAsync(HttpContext context, WorkflowValidationException exception)
        => WriteAsync(
            context,
            StatusCodes.Status400BadRequest,
            ExecutionStreamProblemTypes.InvalidWorkflow,
            "Invalid workflow",
            $"The workflow cannot run: {exception.Problems.Count} problem(s).",
            writer =>
            {
                writer.WriteStartArray("errors"u8);
                foreach (var problem in exception.Problems)
                {
                    writer.WriteStartObject();
                    writer.WriteString("code"u8, problem.Code);
                    writer.WriteString("message"u8, problem.Message);
                    if (problem.NodeName is not null)
                    {
                        writer.WriteString("nodeName"u8, problem.NodeName);
                    }

                    if (problem.NodeNames.Count > 0)
                    {
                        writer.WriteStartArray("nodeNames"u8);
                        foreach (var name in problem.NodeNames)
                        {
                            writer.WriteStringValue(name);
                        }

                        writer.WriteEndArray();
                    }

                    if (problem.Connection is { } connection)
                    {
                        writer.WriteStartObject("connection"u8);
                        writer.WriteString("from"u8, connection.From);
                        writer.WriteString("to"u8, connection.To);
                        writer.WriteEndObject();
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            });
}
