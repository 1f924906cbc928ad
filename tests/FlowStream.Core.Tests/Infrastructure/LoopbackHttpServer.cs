using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowStream.Tests.Infrastructure;

/// <summary>
/// A real Kestrel on 127.0.0.1 (free port) for the <c>http</c> node: <c>/json</c>, <c>/text</c>, <c>/echo</c> (method, path, query,
/// headers and body back as JSON), <c>/status/{code}</c>, <c>/slow</c> (answers after 60 s unless the client gives up), <c>/big/{bytes}</c>
/// (with Content-Length), <c>/chunked/{bytes}</c> (without), <c>/redirect?to=</c>. It counts the requests it received.
/// </summary>
internal sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _paths = new();
    private readonly TaskCompletionSource _slowArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LoopbackHttpServer(WebApplication app) => _app = app;

    /// <summary>Gets the root, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseAddress { get; private set; } = "";

    public int Port => new Uri(BaseAddress).Port;

    public IReadOnlyCollection<string> Paths => [.. _paths];

    /// <summary>Completes when <c>/slow</c> has been called.</summary>
    public Task SlowArrived => _slowArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    public static async Task<LoopbackHttpServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] }); // no file watcher per test host (inotify instances are few)
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var server = new LoopbackHttpServer(app);
        app.Use(async (context, next) =>
        {
            server._paths.Enqueue(context.Request.Path + context.Request.QueryString);
            await next(context);
        });
        app.MapGet("/json", () => Results.Text("""{"ok":true,"items":[1,2]}""", "application/json"));
        app.MapGet("/problem", () => Results.Text("""{"title":"x"}""", "application/problem+json"));
        app.MapGet("/notjson", () => Results.Text("not json at all", "application/json"));
        app.MapGet("/text", () => Results.Text("héllo", "text/plain; charset=utf-8"));
        app.MapGet("/empty", () => Results.NoContent());
        app.Map("/echo", async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            await context.Response.WriteAsJsonAsync(
                new Dictionary<string, object?>
                {
                    ["method"] = context.Request.Method,
                    ["query"] = context.Request.QueryString.Value,
                    ["contentType"] = context.Request.ContentType,
                    ["xTest"] = context.Request.Headers["X-Test"].ToString(),
                    ["xHost"] = context.Request.Headers["X-Host-Handler"].ToString(),
                    ["body"] = body,
                },
                context.RequestAborted);
        });
        app.MapGet("/status/{code:int}", (int code) => Results.Text("boom:   something\n went wrong " + new string('x', 500), "text/plain", statusCode: code));
        app.MapGet("/slow", async (HttpContext context) =>
        {
            server._slowArrived.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(60), context.RequestAborted);
            return Results.Text("late");
        });
        app.MapGet("/big/{bytes:int}", (int bytes) => Results.Text(new string('a', bytes), "text/plain"));
        app.MapGet("/chunked/{bytes:int}", async (HttpContext context, int bytes) =>
        {
            context.Response.ContentType = "text/plain";
            for (var sent = 0; sent < bytes; sent += 100)
            {
                await context.Response.WriteAsync(new string('b', Math.Min(100, bytes - sent)), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        app.MapGet("/redirect", (string to) => Results.Redirect(to));
        await app.StartAsync(TestContext.Current.CancellationToken);
        server.BaseAddress = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
