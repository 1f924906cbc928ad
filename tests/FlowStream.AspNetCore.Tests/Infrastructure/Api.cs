using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FlowStream.AspNetCore.Tests.Infrastructure;

/// <summary>Request builders and assertions shared by the endpoint tests.</summary>
internal static class Api
{
    public const string ProblemJson = "application/problem+json";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A POST with the given content (which may be null, or have no Content-Type).</summary>
    public static HttpRequestMessage PostContent(string path, HttpContent? content, string? user = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (user is not null)
        {
            request.Headers.Add(TestServer.UserHeader, user);
        }

        return request;
    }

    /// <summary>A POST of a body that is not JSON, with the given Content-Type (none when null).</summary>
    public static HttpRequestMessage PostRaw(string path, string body, string? contentType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return PostContent(path, content);
    }

    /// <summary>A JSON POST sent chunked: the content has no length, so HttpClient cannot send a Content-Length.</summary>
    public static HttpRequestMessage PostChunked(string path, string json)
    {
        var content = new StreamContent(new NonSeekableStream(Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return PostContent(path, content);
    }

    /// <summary><c>POST {path}</c> with a <c>{}</c> JSON body (cancel, pause, resume).</summary>
    public static HttpRequestMessage Control(string path, string? user = null) => PostContent(path, Http.Json("{}"), user);

    /// <summary>A <c>{"flowId": "two", "inputData": {"pad": "…"}}</c> body of exactly <paramref name="size"/> UTF-8 bytes.</summary>
    public static string PaddedBody(int size)
    {
        const string Prefix = "{\"flowId\":\"two\",\"inputData\":{\"pad\":\"";
        const string Suffix = "\"}}";
        return Prefix + new string('x', size - Prefix.Length - Suffix.Length) + Suffix;
    }

    /// <summary>Asserts an RFC 9457 problem (never a stream) with the status and type, and returns its JSON.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string type)
    {
        response.Content.Headers.ContentType?.MediaType.Should().NotBe("text/event-stream", "a {0} problem was expected, not a stream (status {1})", (int)status, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(Ct).WithTimeout("the problem's body");
        response.StatusCode.Should().Be(status, "the body was {0}", text);
        response.Content.Headers.ContentType.Should().NotBeNull("a problem always says it is problem+json");
        response.Content.Headers.ContentType!.MediaType.Should().Be(ProblemJson, "errors before the stream opens are problem details, never a stream");
        var json = JsonDocument.Parse(text).RootElement.Clone();
        json.GetProperty("type").GetString().Should().Be(type);
        json.GetProperty("status").GetInt32().Should().Be((int)status);
        json.GetProperty("title").GetString().Should().NotBeNullOrWhiteSpace();
        json.GetProperty("detail").GetString().Should().NotBeNullOrWhiteSpace();
        return json;
    }

    public static string Detail(this JsonElement problem) => problem.GetProperty("detail").GetString()!;

    /// <summary><c>POST /executions</c>; asserts 202 and returns the new execution's id.</summary>
    public static async Task<long> StartAsync(this TestServer server, string json, string? user = null)
    {
        using var response = await server.Client.SendAsync(Http.Post("/executions", json, user), Ct).WithTimeout("the server's response");
        var body = await response.Content.ReadAsStringAsync(Ct).WithTimeout("the response body");
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, "the body was {0}", body);
        return JsonDocument.Parse(body).RootElement.GetProperty("executionId").GetInt64();
    }

    /// <summary>Waits (through the engine's own subscription, from the start of the log) for the first event that matches.</summary>
    public static async Task<ExecutionEvent> WaitForEventAsync(this TestServer server, long executionId, Func<ExecutionEvent, bool> match)
    {
        await foreach (var executionEvent in server.Engine.SubscribeAsync(executionId, 0, Ct).WithCancellation(Ct))
        {
            if (match(executionEvent))
            {
                return executionEvent;
            }
        }

        throw new InvalidOperationException($"Execution {executionId} finished without the expected event.");
    }

    public static Task<ExecutionEvent> WaitForNodeStartAsync(this TestServer server, long executionId, string nodeName)
        => server.WaitForEventAsync(executionId, e => e.Type == "nodeExecutionBefore" && e.Data.GetProperty("nodeName").GetString() == nodeName).WithTimeout($"node '{nodeName}' of execution {executionId} to start");

    public static Task<ExecutionStatus> WaitForCompletionAsync(this TestServer server, long executionId)
    {
        server.Engine.TryGetExecution(executionId, out var execution).Should().BeTrue();
        return execution!.Completion.WithTimeout($"execution {executionId} to finish");
    }

    public static WorkflowExecution Execution(this TestServer server, long executionId)
    {
        server.Engine.TryGetExecution(executionId, out var execution).Should().BeTrue();
        return execution!;
    }

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A read-only stream whose length is unknown.</summary>
    private sealed class NonSeekableStream(byte[] data) : Stream
    {
        private readonly MemoryStream _inner = new(data, writable: false);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
