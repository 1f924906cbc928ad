using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlowStream.Nodes.Gemini.Tests.Infrastructure;

/// <summary>
/// A fake Gemini API on a real Kestrel at 127.0.0.1 (free port) that speaks the API's JSON and SSE byte for byte. It serves
/// <c>POST /v1beta/models/{model}:generateContent</c> and <c>:streamGenerateContent?alt=sse</c>, captures every request, and
/// answers from a per-test script (<see cref="Enqueue"/>); with the script empty it behaves like the API: 403 without the
/// <c>x-goog-api-key</c> header, 400 for a key other than <see cref="ValidKey"/>, 404 for <see cref="UnknownModel"/>, else the
/// spec's success examples.
/// </summary>
internal sealed class FakeGeminiServer : IAsyncDisposable
{
    public const string ValidKey = "AIzaSyFAKE-test-key-0123456789-abcdefXYZ";
    public const string UnknownModel = "wrong-model-name";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeResponse> _script = new();
    private readonly Lock _lock = new();
    private readonly List<CapturedRequest> _requests = [];
    private readonly List<(int Count, TaskCompletionSource<CapturedRequest> Done)> _waiters = [];

    private FakeGeminiServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the server's root, e.g. <c>http://127.0.0.1:41234/</c>: what <c>GeminiOptions.BaseUrl</c> is set to.</summary>
    public Uri BaseAddress { get; }

    public IReadOnlyList<CapturedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeGeminiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] }); // no file watcher per test host (inotify instances are few)
        builder.Logging.ClearProviders();
        builder.ListenOnFreeLoopbackPort(configure: kestrel => kestrel.AddServerHeader = false);
        var app = builder.Build();
        FakeGeminiServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        server = new FakeGeminiServer(app, await app.StartOnLoopbackAsync());
        return server;
    }

    /// <summary>Queues answers for the next requests, in order; when the queue is empty the default behaviour applies.</summary>
    public void Enqueue(params FakeResponse[] responses)
    {
        foreach (var response in responses)
        {
            _script.Enqueue(response);
        }
    }

    /// <summary>Completes with the <paramref name="number"/>th request (from 1) once it has arrived.</summary>
    public Task<CapturedRequest> WaitForRequestAsync(int number = 1)
    {
        lock (_lock)
        {
            if (_requests.Count >= number)
            {
                return Task.FromResult(_requests[number - 1]);
            }

            var done = new TaskCompletionSource<CapturedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((number, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = request.Path.Value ?? "";
        var (model, method) = ParsePath(path);
        var captured = new CapturedRequest(
            request.Method,
            path,
            request.QueryString.Value ?? "",
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            model,
            method);
        context.RequestAborted.Register(() => captured.AbortedSource.TrySetResult());
        lock (_lock)
        {
            _requests.Add(captured);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count <= _requests.Count)
                {
                    _waiters[i].Done.TrySetResult(_requests[_waiters[i].Count - 1]);
                    _waiters.RemoveAt(i);
                }
            }
        }

        try
        {
            await Answer(captured).WriteAsync(context, captured);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nothing to answer.
        }
        finally
        {
            captured.CompletedSource.TrySetResult();
        }
    }

    private FakeResponse Answer(CapturedRequest request)
    {
        if (_script.TryDequeue(out var scripted))
        {
            return scripted;
        }

        if (request.Method != "POST" || request.Model is null || request.GeminiMethod is not ("generateContent" or "streamGenerateContent"))
        {
            return FakeResponse.Error(404, "<!DOCTYPE html>\n<title>Error 404 (Not Found)!!1</title>\n");
        }

        if (!request.Headers.TryGetValue("x-goog-api-key", out var key) || string.IsNullOrEmpty(key))
        {
            return FakeResponse.Error(403, GeminiExamples.MissingKeyError);
        }

        if (key != ValidKey)
        {
            return FakeResponse.Error(400, GeminiExamples.InvalidKeyError);
        }

        if (request.Model == UnknownModel)
        {
            return FakeResponse.Error(404, GeminiExamples.UnknownModelError);
        }

        return request.IsStream ? FakeResponse.Stream() : FakeResponse.Unary();
    }

    private static (string? Model, string? Method) ParsePath(string path)
    {
        const string prefix = "/v1beta/models/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (null, null);
        }

        var rest = path[prefix.Length..];
        var colon = rest.LastIndexOf(':');
        return colon <= 0 ? (null, null) : (rest[..colon], rest[(colon + 1)..]);
    }
}

/// <summary>A request as the fake server received it.</summary>
internal sealed class CapturedRequest(string method, string path, string query, IReadOnlyDictionary<string, string> headers, string body, string? model, string? geminiMethod)
{
    public string Method => method;

    public string Path => path;

    /// <summary>Gets the query string with its <c>?</c>, or an empty string.</summary>
    public string Query => query;

    public IReadOnlyDictionary<string, string> Headers => headers;

    public string Body => body;

    public string? Model => model;

    public string? GeminiMethod => geminiMethod;

    public bool IsStream => geminiMethod == "streamGenerateContent";

    public JsonElement Json => JsonDocument.Parse(body).RootElement.Clone();

    /// <summary>Gets a task that completes when the client aborts the request (closes the connection before the end).</summary>
    public Task Aborted => AbortedSource.Task;

    /// <summary>Gets a task that completes when the server has finished with the request (answered, or seen it aborted).</summary>
    public Task Completed => CompletedSource.Task;

    internal TaskCompletionSource AbortedSource { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal TaskCompletionSource CompletedSource { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
