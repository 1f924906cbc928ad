using System.Text;
using Microsoft.AspNetCore.Http;

namespace FlowStream.Nodes.Gemini.Tests.Infrastructure;

/// <summary>One scripted answer of <see cref="FakeGeminiServer"/>: a status and body, a stream, a hang or an abort.</summary>
internal sealed class FakeResponse
{
    private readonly Func<HttpContext, CapturedRequest, Task> _write;

    private FakeResponse(Func<HttpContext, CapturedRequest, Task> write) => _write = write;

    public Task WriteAsync(HttpContext context, CapturedRequest request) => _write(context, request);

    /// <summary>200 with a unary body (pretty JSON) and the API's unary headers.</summary>
    public static FakeResponse Unary(string body = GeminiExamples.UnarySuccess) => new(async (context, _) =>
    {
        context.Response.StatusCode = 200;
        SetUnaryHeaders(context.Response);
        await WriteBodyAsync(context.Response, body);
    });

    /// <summary>
    /// 200 <c>text/event-stream</c>: each chunk as <c>data: {json}</c> + <paramref name="separator"/> (CRLF CRLF by default),
    /// flushed one by one. Before chunk <c>i</c> (0-based) it awaits <paramref name="beforeChunk"/>(i) when given.
    /// </summary>
    public static FakeResponse Stream(IReadOnlyList<string> chunks, string separator = "\r\n\r\n", Func<int, CancellationToken, Task>? beforeChunk = null, StreamEnd end = StreamEnd.Close, Func<CancellationToken, Task>? beforeEnd = null)
        => new(async (context, _) =>
        {
            var response = context.Response;
            response.StatusCode = 200;
            SetStreamHeaders(response);
            await response.StartAsync(context.RequestAborted);
            for (var i = 0; i < chunks.Count; i++)
            {
                if (beforeChunk is not null)
                {
                    await beforeChunk(i, context.RequestAborted);
                }

                await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"data: {chunks[i]}{separator}"), context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
            }

            if (beforeEnd is not null)
            {
                await beforeEnd(context.RequestAborted);
            }

            switch (end)
            {
                case StreamEnd.Abort:
                    context.Abort();
                    break;
                case StreamEnd.Hang:
                    await HangAsync(context.RequestAborted);
                    break;
            }
        });

    /// <summary>The spec's three-event stream.</summary>
    public static FakeResponse Stream() => Stream([GeminiExamples.StreamChunk1, GeminiExamples.StreamChunk2, GeminiExamples.StreamChunk3]);

    /// <summary>
    /// An error status with the API's pretty JSON body. On the streaming endpoint it is sent the way the API does: with
    /// <c>Content-Type: text/event-stream</c> and no <c>data:</c> prefix.
    /// </summary>
    public static FakeResponse Error(int status, string body, IReadOnlyDictionary<string, string>? headers = null) => new(async (context, request) =>
    {
        context.Response.StatusCode = status;
        if (request.IsStream)
        {
            context.Response.ContentType = "text/event-stream";
        }
        else
        {
            SetUnaryHeaders(context.Response);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            context.Response.Headers[name] = value;
        }

        await WriteBodyAsync(context.Response, body);
    });

    /// <summary>Accepts the request and never answers, until the client gives up (the request is aborted).</summary>
    public static FakeResponse Hang() => new((context, _) => HangAsync(context.RequestAborted));

    /// <summary>Closes the connection without any response: a transport failure.</summary>
    public static FakeResponse Abort() => new((context, _) =>
    {
        context.Abort();
        return Task.CompletedTask;
    });

    /// <summary>Waits for <paramref name="gate"/> first (a delay the test controls), then answers as <paramref name="then"/>.</summary>
    public static FakeResponse After(Task gate, FakeResponse then) => new(async (context, request) =>
    {
        await gate.WaitAsync(context.RequestAborted);
        await then.WriteAsync(context, request);
    });

    private static void SetUnaryHeaders(HttpResponse response)
    {
        response.ContentType = "application/json; charset=UTF-8";
        response.Headers.Vary = "Origin, X-Origin, Referer";
        response.Headers.Server = "scaffolding on HTTPServer2";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "SAMEORIGIN";
        response.Headers.XXSSProtection = "0";
        response.Headers["Server-Timing"] = "gfet4t7; dur=502";
    }

    private static void SetStreamHeaders(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers.ContentDisposition = "attachment";
        response.Headers.Vary = "Origin, X-Origin, Referer";
        response.Headers.Server = "scaffolding on HTTPServer2";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "SAMEORIGIN";
        response.Headers.XXSSProtection = "0";
    }

    private static async Task WriteBodyAsync(HttpResponse response, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes);
    }

    private static async Task HangAsync(CancellationToken aborted)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, aborted);
        }
        catch (OperationCanceledException)
        {
        }
    }
}

/// <summary>How a scripted stream ends after its chunks.</summary>
internal enum StreamEnd
{
    /// <summary>Completes the response normally: the stream simply closes, as the API's does.</summary>
    Close,

    /// <summary>Aborts the connection: the client sees the response end prematurely.</summary>
    Abort,

    /// <summary>Sends nothing more until the client gives up.</summary>
    Hang,
}
