using System.Net;
using FlowStream.AspNetCore;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace FlowStream.Sample;

/// <summary>
/// The sample host: the wiring a user copies. FlowStream with the built-in nodes, the Gemini node and a demo node, a folder workflow store
/// over <c>flows/</c>, the SSE endpoints, and the static page in <c>wwwroot/</c>.
/// </summary>
public static class SampleApp
{
    /// <summary>Where the sample listens unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>The configuration key of the flows folder (<c>--Sample:FlowsDirectory=path</c>); default: <c>flows/</c> next to the binaries.</summary>
    public const string FlowsDirectoryKey = "Sample:FlowsDirectory";

    /// <summary>Builds the sample application.</summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="configureServices">Lets tests add services (for example a fake Gemini endpoint) before the app is built.</param>
    /// <param name="configurePipeline">Lets tests add middleware in front of the endpoints.</param>
    /// <returns>The application, not started.</returns>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureServices = null, Action<WebApplication>? configurePipeline = null)
    {
        // Content (wwwroot, flows) is copied next to the binaries, so the app finds it wherever it is started from.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // User secrets (UserSecretsId in the project file) are read whatever the environment, not only in Development, so
        // `dotnet user-secrets set FlowStream:Gemini:ApiKey ...` works with a plain `dotnet run`. (In Development the builder
        // has added them already when this assembly is the application's.)
        if (!builder.Environment.IsDevelopment() || builder.Environment.ApplicationName != typeof(SampleApp).Assembly.GetName().Name)
        {
            builder.Configuration.AddUserSecrets(typeof(SampleApp).Assembly, optional: true);
        }

        // ASP.NET Core's "Request starting" line logs the query string, and a browser EventSource sends its execution token
        // there (access_token): keep that line out of the logs.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        // Only the loopback names the sample is reached by: a page on another name that resolves to 127.0.0.1 (DNS rebinding)
        // gets 400 from host filtering. Configuration (AllowedHosts) may say otherwise.
        if (string.IsNullOrEmpty(builder.Configuration["AllowedHosts"]))
        {
            builder.Configuration["AllowedHosts"] = "localhost;127.0.0.1;[::1]";
        }

        // The Gemini node reads FlowStream:Gemini from configuration (appsettings, user secrets, environment), and falls back
        // to the GEMINI_API_KEY environment variable; without a key its node fails with "API key not configured".
        var flowsDirectory = builder.Configuration[FlowsDirectoryKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "flows");
        var flowStream = builder.Services.AddFlowStream();

        // Scale-out: with FlowStream:Redis:Configuration set (for example FlowStream__Redis__Configuration=127.0.0.1:6379), every
        // instance that shares the Redis streams, resumes, reads and controls every execution. Without it, all stays in memory.
        var redis = builder.Configuration["FlowStream:Redis:Configuration"];
        if (!string.IsNullOrWhiteSpace(redis))
        {
            flowStream.AddRedis(options =>
            {
                options.Configuration = redis;
                builder.Configuration.GetSection("FlowStream:Redis").Bind(options);
            });
        }

        flowStream
            .AddGemini()
            .AddNode<FlakyNode>("flaky")
            .AddDirectoryWorkflowStore(flowsDirectory)
            .AddExecutionStream(options => options.AllowInlineWorkflows = true)
            // The http node refuses loopback by default; the sample lets it call this host's own demo endpoints (and only loopback).
            .ConfigureHttpNode(options =>
            {
                options.AllowedNetworks.Add(IPNetwork.Parse("127.0.0.1/32"));
                options.AllowedNetworks.Add(IPNetwork.Parse("::1/128"));
            });

        // Relative http node URLs ("/demo/stock/widget") go to this host, whatever port it was started on.
        builder.Services.AddHttpClient(HttpNodeOptions.HttpClientName).ConfigureHttpClient((services, client) =>
        {
            var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
            if (address is not null)
            {
                // Kestrel reports a wildcard binding ("http://+:5080", "http://[::]:5080") as it was given: call it through localhost.
                var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
                if (uri.Host is "0.0.0.0" or "[::]" or "::")
                {
                    uri.Host = "localhost";
                }

                client.BaseAddress = uri.Uri;
            }
        });
        configureServices?.Invoke(builder);

        var app = builder.Build();
        configurePipeline?.Invoke(app);
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.MapGet("/favicon.ico", () => Results.File(Path.Combine(app.Environment.WebRootPath, "favicon.svg"), "image/svg+xml"));

        // The flows the page lists, and the files of the folder that could not be loaded, with their problems.
        app.MapGet("/api/flows", async (IWorkflowStore store, CancellationToken cancellationToken) => new
        {
            flows = (await store.ListAsync(cancellationToken)).Select(flow => new
            {
                id = flow.Id,
                name = flow.Name,
                maxDegreeOfParallelism = flow.Settings?.MaxDegreeOfParallelism ?? 1,
                nodes = flow.Nodes.Select(n => new { name = n.Name, type = n.Type, disabled = n.Disabled }),
                connections = flow.Connections.Select(c => new { from = c.From, to = c.To, fromOutput = c.FromOutput }),
            }),
            problems = (store as DirectoryWorkflowStore)?.LoadErrors.Select(e => new
            {
                file = e.Path == ((DirectoryWorkflowStore)store).Directory ? e.Path : Path.GetFileName(e.Path),
                path = e.Path,
                message = e.Message,
                problems = e.Problems.Select(p => new { code = p.Code, message = p.Message, nodeName = p.NodeName }),
            }) ?? [],
        });
        MapDemoEndpoints(app);
        app.MapExecutionStream();
        return app;
    }

    /// <summary>
    /// Small endpoints the <c>http-demo</c> flow calls: <c>GET /demo/stock/{sku}</c> answers JSON after a short pause, and
    /// <c>GET /demo/supplier</c> always fails with 503, so the flow shows both a success and a failure routed by the error output.
    /// </summary>
    private static void MapDemoEndpoints(WebApplication app)
    {
        app.MapGet("/demo/stock/{sku}", async (string sku, CancellationToken cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(600), cancellationToken);
            return Results.Json(new { sku, quantity = sku.Length % 4 == 0 ? 0 : sku.Length * 3, warehouse = "Rotterdam" });
        });
        app.MapGet("/demo/supplier", async (CancellationToken cancellationToken) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(400), cancellationToken);
            return Results.Text("The supplier system is down for maintenance.", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
    }
}
