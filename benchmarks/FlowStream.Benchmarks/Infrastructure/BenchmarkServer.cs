using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowStream.Benchmarks.Infrastructure;

/// <summary>
/// A real Kestrel on 127.0.0.1 (a free port, HTTP/1.1 only) hosting <c>MapExecutionStream()</c> as an application would, plus the
/// benchmark's own baseline endpoints. Loopback only; it stops with the benchmark.
/// </summary>
internal sealed class BenchmarkServer : IAsyncDisposable
{
    private BenchmarkServer(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Engine = app.Services.GetRequiredService<IWorkflowEngine>();
        Events = app.Services.GetRequiredService<IExecutionEventReader>();
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public IWorkflowEngine Engine { get; }

    public IExecutionEventReader Events { get; }

    public static async Task<BenchmarkServer> StartAsync(
        Action<FlowStreamOptions> configureOptions,
        Action<FlowStreamBuilder> configureFlowStream,
        Action<WebApplication> mapBaselines)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseShutdownTimeout(TimeSpan.FromSeconds(5));
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        // Streams per execution unbounded: the scale benchmark attaches thousands of idle streams to one execution.
        var flowStream = builder.Services.AddFlowStream(configureOptions).AddExecutionStream(o => o.MaxStreamsPerExecution = int.MaxValue);
        configureFlowStream(flowStream);
        var app = builder.Build();
        app.MapExecutionStream();
        mapBaselines(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BenchmarkServer(app, new Uri(address));
    }

    /// <summary>An execution token for an execution started on the engine directly (anonymous executions answer only their token holders).</summary>
    public string TokenFor(long executionId)
        => new FlowStream.AspNetCore.Internal.ExecutionTokens(App.Services.GetRequiredService<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(), TimeProvider.System)
            .Create(executionId, FlowStream.AspNetCore.Internal.ExecutionAccess.Control, TimeSpan.FromDays(1)).Token;

    public HttpClient CreateClient() => new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromMinutes(2),
    };

    /// <summary>Sends the headers FlowStream's streams send, with response buffering off, and flushes them.</summary>
    public static async Task<PipeWriter> StartEventStreamAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        response.Headers.ContentEncoding = "identity";
        response.Headers.Connection = "keep-alive";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(context.RequestAborted);
        return response.BodyWriter;
    }

    public static void Write(PipeWriter writer, ReadOnlySpan<byte> bytes)
    {
        var span = writer.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        writer.Advance(bytes.Length);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await App.StopAsync(timeout.Token);
        await App.DisposeAsync();
    }
}
