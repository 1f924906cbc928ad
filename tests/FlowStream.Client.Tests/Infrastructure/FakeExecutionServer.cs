using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlowStream.Client.Tests.Infrastructure;

/// <summary>Answers one request: writes the scripted response (or aborts the connection).</summary>
internal delegate Task Responder(HttpContext context, FakeExecutionServer server);

/// <summary>
/// A real Kestrel on 127.0.0.1 (a free port) that plays the execution endpoints from a script: for each route
/// (<c>"GET /executions/42/stream"</c>) a list of responders used in turn, the last one again for any further request.
/// It records every request, and knows which event ids the test has seen (<see cref="Delivered"/>), so a responder can
/// cut the connection exactly after the client has read event k — no race between the abort and the bytes before it.
/// </summary>
internal sealed class FakeExecutionServer : IAsyncDisposable
{
    private static readonly TimeSpan s_deliveryGuard = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Responder>> _scripts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _used = new(StringComparer.Ordinal);
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<(long Id, TaskCompletionSource Done)> _deliveryWaiters = [];
    private readonly List<HttpClient> _clients = [];
    private long _delivered;

    private FakeExecutionServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Gets the server's address, <c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Gets the requests received so far, in order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<FakeExecutionServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.ListenOnFreeLoopbackPort();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeExecutionServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        server = new FakeExecutionServer(app, await app.StartOnLoopbackAsync());
        return server;
    }

    /// <summary>Scripts a route: the responders answer its requests in turn; the last one answers any further request.</summary>
    public FakeExecutionServer On(string route, params Responder[] responders)
    {
        lock (_lock)
        {
            _scripts[route] = [.. responders];
        }

        return this;
    }

    /// <summary>Gets the requests to one route, such as <c>"GET /executions/42/stream"</c>.</summary>
    public IReadOnlyList<RecordedRequest> RequestsTo(string route) => [.. Requests.Where(r => r.Route == route)];

    /// <summary>Creates an <see cref="HttpClient"/> for this server; disposed with the server.</summary>
    public HttpClient CreateHttpClient(string? basePath = null)
    {
        var client = new HttpClient { BaseAddress = basePath is null ? BaseAddress : new Uri(BaseAddress, basePath) };
        lock (_lock)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>The test has read the event with this id.</summary>
    public void Delivered(long id)
    {
        lock (_lock)
        {
            _delivered = Math.Max(_delivered, id);
            for (var i = _deliveryWaiters.Count - 1; i >= 0; i--)
            {
                if (_deliveryWaiters[i].Id <= _delivered)
                {
                    _deliveryWaiters[i].Done.TrySetResult();
                    _deliveryWaiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>Completes when the test has read the event with this id (or a later one); gives up after a guard time, so a broken client fails its test instead of hanging it.</summary>
    public async Task WaitForDeliveryAsync(long id, CancellationToken cancellationToken)
    {
        Task wait;
        lock (_lock)
        {
            if (_delivered >= id)
            {
                return;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _deliveryWaiters.Add((id, done));
            wait = done.Task;
        }

        try
        {
            await wait.WaitAsync(s_deliveryGuard, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The client never showed the event: the test's own assertions will say what went wrong.
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        // A canceled token makes Kestrel abort what is still open (a held stream the client's HttpClient is still
        // draining) instead of waiting for it to end.
        await _app.StopAsync(new CancellationToken(canceled: true));
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers;
        var request = new RecordedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            headers.TryGetValue("Last-Event-ID", out var lastEventId) ? lastEventId.ToString() : null,
            headers.Accept.Count > 0 ? headers.Accept.ToString() : null,
            context.Request.ContentType,
            body);

        Responder? responder = null;
        lock (_lock)
        {
            _requests.Add(request);
            if (_scripts.TryGetValue(request.Route, out var responders) && responders.Count > 0)
            {
                var used = _used.GetValueOrDefault(request.Route);
                responder = responders[Math.Min(used, responders.Count - 1)];
                _used[request.Route] = used + 1;
            }
        }

        if (responder is null)
        {
            await Respond.Problem(HttpStatusCode.NotFound, "urn:test:unscripted", "Not scripted", $"The fake server has no script for '{request.Route}'.")(context, this);
            return;
        }

        await responder(context, this);
    }
}
