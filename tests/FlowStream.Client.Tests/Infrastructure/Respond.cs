using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace FlowStream.Client.Tests.Infrastructure;

/// <summary>How a scripted stream ends after it has written its events.</summary>
internal enum StreamEnd
{
    /// <summary>The response completes normally (whether or not executionFinished was among the events).</summary>
    Complete,

    /// <summary>Once the client has read the last event written, the connection is killed (<see cref="HttpContext.Abort"/>).</summary>
    Abort,

    /// <summary>The response stays open until the client goes away.</summary>
    Hold,
}

/// <summary>How one scripted stream response behaves.</summary>
internal sealed record StreamScript
{
    /// <summary>Gets the number of events this response writes (after those the request's Last-Event-ID skips); null for all.</summary>
    public int? Events { get; init; }

    /// <summary>Gets what happens after the events.</summary>
    public StreamEnd Then { get; init; } = StreamEnd.Complete;

    /// <summary>Gets the value of the X-Execution-Id response header; null for none.</summary>
    public long? ExecutionIdHeader { get; init; }

    /// <summary>Gets a value indicating whether the response skips the events up to the request's Last-Event-ID, as the real server does.</summary>
    public bool HonourLastEventId { get; init; } = true;

    /// <summary>Gets the line ending: "\n", "\r\n" or "\r".</summary>
    public string NewLine { get; init; } = "\n";

    /// <summary>Gets a value indicating whether a <c>: keepalive</c> comment precedes every event.</summary>
    public bool Keepalives { get; init; }

    /// <summary>Gets a value indicating whether every byte is flushed on its own, so events arrive split across reads.</summary>
    public bool ByteByByte { get; init; }

    /// <summary>Gets raw text written after the events (for example the first half of an event the connection then loses).</summary>
    public string? Tail { get; init; }
}

/// <summary>Responders for <see cref="FakeExecutionServer.On"/>.</summary>
internal static class Respond
{
    /// <summary>An RFC 9457 problem answer.</summary>
    public static Responder Problem(HttpStatusCode status, string type, string title, string? detail = null) => async (context, _) =>
    {
        var problem = new Dictionary<string, object?> { ["type"] = type, ["title"] = title, ["status"] = (int)status };
        if (detail is not null)
        {
            problem["detail"] = detail;
        }

        problem["traceId"] = "00-test";
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/problem+json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(problem));
    };

    /// <summary>A JSON answer.</summary>
    public static Responder Json(HttpStatusCode status, string json, string? location = null) => async (context, _) =>
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json; charset=utf-8";
        if (location is not null)
        {
            context.Response.Headers.Location = location;
        }

        await context.Response.WriteAsync(json);
    };

    /// <summary>Any status with a plain-text body.</summary>
    public static Responder Text(HttpStatusCode status, string text, string contentType = "text/plain") => async (context, _) =>
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(text);
    };

    /// <summary>
    /// An event stream of <paramref name="events"/> (the JSON of each <c>data:</c> line; event i has id i + 1), written
    /// byte for byte in the wire format: <c>id: n</c>, <c>data: {...}</c>, a blank line.
    /// </summary>
    public static Responder Stream(IReadOnlyList<string> events, StreamScript? script = null) => async (context, server) =>
    {
        script ??= new StreamScript();
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        if (script.ExecutionIdHeader is { } executionId)
        {
            response.Headers["X-Execution-Id"] = executionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await response.StartAsync(context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);

        var from = 0L;
        if (script.HonourLastEventId && long.TryParse(context.Request.Headers["Last-Event-ID"], out var lastEventId))
        {
            from = lastEventId;
        }

        var nl = script.NewLine;
        var written = 0;
        var lastWritten = 0L;
        for (var id = from + 1; id <= events.Count && (script.Events is null || written < script.Events); id++)
        {
            var text = (script.Keepalives ? $": keepalive{nl}{nl}" : string.Empty) + $"id: {id}{nl}data: {events[(int)id - 1]}{nl}{nl}";
            await WriteAsync(context, text, script.ByteByByte);
            written++;
            lastWritten = id;
        }

        if (script.Tail is { } tail)
        {
            await WriteAsync(context, tail, script.ByteByByte);
        }

        switch (script.Then)
        {
            case StreamEnd.Abort:
                if (lastWritten > 0)
                {
                    await server.WaitForDeliveryAsync(lastWritten, context.RequestAborted);
                }

                context.Abort();
                break;
            case StreamEnd.Hold:
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client went away: that is what a held stream waits for.
                }

                break;
        }
    };

    private static async Task WriteAsync(HttpContext context, string text, bool byteByByte)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (!byteByByte)
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            return;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory(i, 1), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
    }
}
