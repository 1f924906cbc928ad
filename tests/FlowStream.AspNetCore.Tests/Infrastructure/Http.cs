using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace FlowStream.AspNetCore.Tests.Infrastructure;

internal static class Http
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static HttpRequestMessage Post(string path, string json, string? user = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (user is not null)
        {
            request.Headers.Add(TestServer.UserHeader, user);
        }

        return request;
    }

    public static HttpRequestMessage Get(string path, string? user = null, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (user is not null)
        {
            request.Headers.Add(TestServer.UserHeader, user);
        }

        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return request;
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();

    /// <summary>Sends and returns as soon as the headers are in (the body streams).</summary>
    public static Task<HttpResponseMessage> SendStreamingAsync(this HttpClient client, HttpRequestMessage request)
        => client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);

    public static async Task<SseReader> OpenSseAsync(this HttpResponseMessage response)
        => new(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
}
