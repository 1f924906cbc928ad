using System.Text;
using FlowStream.Nodes.Gemini.Tests.Infrastructure;

namespace FlowStream.Nodes.Gemini.Tests.Client;

/// <summary>The fake speaks the API's bytes: pretty unary JSON, compact CRLF-separated SSE, pretty error envelopes.</summary>
public class FakeGeminiServerTests
{
    private static HttpRequestMessage Post(FakeGeminiServer server, string pathAndQuery, string? key = FakeGeminiServer.ValidKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseAddress, pathAndQuery))
        {
            Content = new StringContent("""{"contents": [{"parts": [{"text": "Hi"}]}]}""", Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Add("x-goog-api-key", key);
        }

        return request;
    }

    [Fact]
    public async Task Unary_IsThePrettyPrintedExampleWithTheApisHeaders()
    {
        await using var server = await FakeGeminiServer.StartAsync();
        using var http = new HttpClient();

        using var response = await http.SendAsync(Post(server, "v1beta/models/gemini-2.5-flash:generateContent"), TestContext.Current.CancellationToken);

        var bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        Encoding.UTF8.GetString(bytes).Should().Be(GeminiExamples.UnarySuccess);
        bytes[^1].Should().Be((byte)'\n');
        Encoding.UTF8.GetString(bytes).Should().StartWith("{\n  \"candidates\": [\n    {\n");
        response.Content.Headers.ContentType!.ToString().Should().Be("application/json; charset=UTF-8");
        response.Headers.Server.ToString().Should().Be("scaffolding on HTTPServer2");
    }

    [Fact]
    public async Task Stream_IsCompactDataLinesSeparatedByCrLfCrLf()
    {
        await using var server = await FakeGeminiServer.StartAsync();
        using var http = new HttpClient();

        using var response = await http.SendAsync(
            Post(server, "v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"), HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

        response.Content.Headers.ContentLength.Should().BeNull("a stream has no Content-Length");
        response.Headers.TransferEncodingChunked.Should().BeTrue();
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.Should().Be(
            $"data: {GeminiExamples.StreamChunk1}\r\n\r\ndata: {GeminiExamples.StreamChunk2}\r\n\r\ndata: {GeminiExamples.StreamChunk3}\r\n\r\n");
        body.Should().Contain("""{"candidates": [{"content": {"parts": [{"text": "The capital"}],"role": "model"},"index": 0}]""");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be("attachment");
    }

    [Theory]
    [InlineData(null, 403, "PERMISSION_DENIED")]
    [InlineData("AIzaSyNOT-the-valid-key", 400, "INVALID_ARGUMENT")]
    public async Task Keys_AreCheckedLikeTheApiDoes(string? key, int status, string canonical)
    {
        await using var server = await FakeGeminiServer.StartAsync();
        using var http = new HttpClient();

        using var response = await http.SendAsync(Post(server, "v1beta/models/gemini-2.5-flash:generateContent", key), TestContext.Current.CancellationToken);

        ((int)response.StatusCode).Should().Be(status);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.Should().StartWith("{\n  \"error\": {\n").And.Contain($"\"status\": \"{canonical}\"").And.EndWith("}\n");
    }

    [Fact]
    public async Task StreamingEndpointError_IsPlainPrettyJsonUnderEventStreamContentType()
    {
        await using var server = await FakeGeminiServer.StartAsync();
        using var http = new HttpClient();

        using var response = await http.SendAsync(Post(server, $"v1beta/models/{FakeGeminiServer.UnknownModel}:streamGenerateContent?alt=sse"), TestContext.Current.CancellationToken);

        ((int)response.StatusCode).Should().Be(404);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.Should().Be(GeminiExamples.UnknownModelError).And.NotStartWith("data:");
        response.Content.Headers.ContentLength.Should().Be(Encoding.UTF8.GetByteCount(GeminiExamples.UnknownModelError));
    }
}
