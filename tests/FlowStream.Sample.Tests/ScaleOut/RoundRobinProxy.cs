using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.LoadBalancing;

namespace FlowStream.Sample.Tests.ScaleOut;

/// <summary>
/// A small reverse proxy (YARP) on a free loopback port in front of several sample hosts: one route for every path, one cluster,
/// round-robin load balancing over the hosts, no affinity and no health checks, so consecutive requests alternate hosts and a
/// stopped host answers 502 until the client tries again. It keeps the browser's Host header (as a real front end does) and
/// records every request it forwards (which host, which <c>Last-Event-ID</c>, the status), so a test can await a request and
/// see where it went, and can cut a response as a dropped connection would.
/// </summary>
internal sealed class RoundRobinProxy : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<ProxiedRequest> _requests = [];
    private readonly List<(Func<ProxiedRequest, bool> Match, TaskCompletionSource<ProxiedRequest> Found)> _waiters = [];
    private WebApplication? _app;

    private RoundRobinProxy()
    {
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>Gets a copy of the requests forwarded so far, in order.</summary>
    public IReadOnlyList<ProxiedRequest> Requests
    {
        get
        {
            lock (_lock)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts the proxy in front of <paramref name="hosts"/> (name, base URL), in that round-robin order.</summary>
    public static async Task<RoundRobinProxy> StartAsync(params (string Name, string BaseUrl)[] hosts)
    {
        var proxy = new RoundRobinProxy();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.ListenOnFreeLoopbackPort(HttpProtocols.Http1);
        builder.Services.AddReverseProxy().LoadFromMemory(
            [
                new RouteConfig
                {
                    RouteId = "everything",
                    ClusterId = "samples",
                    Match = new RouteMatch { Path = "{**path}" },
                    Transforms = [new Dictionary<string, string> { ["RequestHeaderOriginalHost"] = "true" }],
                },
            ],
            [
                new ClusterConfig
                {
                    ClusterId = "samples",
                    LoadBalancingPolicy = LoadBalancingPolicies.RoundRobin,
                    Destinations = hosts.ToDictionary(h => h.Name, h => new DestinationConfig { Address = h.BaseUrl + "/" }),
                },
            ]);
        var app = builder.Build();
        app.MapReverseProxy(pipeline =>
        {
            pipeline.UseLoadBalancing();
            pipeline.Use(proxy.RecordAsync);
        });
        proxy._app = app;
        proxy.BaseUrl = (await app.StartOnLoopbackAsync()).AbsoluteUri.TrimEnd('/');
        return proxy;
    }

    /// <summary>The first request (earlier or to come) that <paramref name="match"/> accepts, checked again whenever a request changes.</summary>
    public Task<ProxiedRequest> WaitForAsync(Func<ProxiedRequest, bool> match, string what)
    {
        TaskCompletionSource<ProxiedRequest> found;
        lock (_lock)
        {
            if (_requests.FirstOrDefault(match) is { } hit)
            {
                return Task.FromResult(hit);
            }

            found = new TaskCompletionSource<ProxiedRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, found));
        }

        return found.Task.WithTimeout(what);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(CancellationToken.None).WithTimeout("the proxy to stop");
            await _app.DisposeAsync();
        }
    }

    private async Task RecordAsync(HttpContext context, Func<Task> next)
    {
        // After load balancing the one destination left is where the request goes.
        var destination = context.GetReverseProxyFeature().AvailableDestinations.Single().DestinationId;
        long? lastEventId = long.TryParse(context.Request.Headers["Last-Event-ID"].ToString(), out var id) ? id : null;
        ProxiedRequest request;
        lock (_lock)
        {
            request = new ProxiedRequest(_requests.Count + 1, context.Request.Method, context.Request.Path.Value ?? "", destination, lastEventId, context);
            _requests.Add(request);
        }

        Changed(request);

        // Kestrel does not buffer responses; this says so for any server that would (an event stream must go out as it is written).
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.OnStarting(() =>
        {
            request.Status = context.Response.StatusCode;
            Changed(request);
            return Task.CompletedTask;
        });
        try
        {
            await next();
        }
        finally
        {
            request.Status ??= context.Response.StatusCode;
            request.Ended = true;
            Changed(request);
        }
    }

    private void Changed(ProxiedRequest request)
    {
        List<TaskCompletionSource<ProxiedRequest>> found = [];
        lock (_lock)
        {
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(request))
                {
                    found.Add(_waiters[i].Found);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var waiter in found)
        {
            waiter.TrySetResult(request);
        }
    }
}

/// <summary>One request the proxy forwarded.</summary>
internal sealed class ProxiedRequest(int number, string method, string path, string destination, long? lastEventId, HttpContext context)
{
    /// <summary>Gets its place in the order of requests, from 1.</summary>
    public int Number { get; } = number;

    public string Method { get; } = method;

    public string Path { get; } = path;

    /// <summary>Gets the name of the host the proxy sent it to.</summary>
    public string Destination { get; } = destination;

    /// <summary>Gets the <c>Last-Event-ID</c> it carried (a re-attach), if any.</summary>
    public long? LastEventId { get; } = lastEventId;

    /// <summary>
    /// Gets the status of its response once the proxy started it (502 when the host could not be reached). YARP starts a response
    /// with its first body bytes (it holds the headers back until then), so an event stream that has nothing to send yet has none.
    /// </summary>
    public int? Status { get; set; }

    /// <summary>Gets a value indicating whether the proxy is done with it.</summary>
    public bool Ended { get; set; }

    /// <summary>Gets a value indicating whether it asks for an execution's event stream (start and stream, or attach).</summary>
    public bool IsStream => Path.StartsWith("/executions/", StringComparison.Ordinal) && Path.EndsWith("/stream", StringComparison.Ordinal);

    /// <summary>Cuts the browser's connection, as a dropped network would (the proxy then abandons the upstream request too).</summary>
    public void Abort() => context.Abort();

    public override string ToString() => $"#{Number} {Method} {Path} -> {Destination} (Last-Event-ID {LastEventId?.ToString() ?? "-"}, status {Status?.ToString() ?? "-"}{(Ended ? ", ended" : "")})";
}
