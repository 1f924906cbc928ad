using FlowStream.AspNetCore;

namespace FlowStream.Sample;

/// <summary>
/// The sample host: the wiring a user copies. FlowStream with the built-in nodes, the Gemini node and a demo node, a folder workflow store
/// over <c>flows/</c>, the SSE endpoints, and the static page in <c>wwwroot/</c>.
/// </summary>
public static class SampleApp
{
    /// <summary>Where the sample listens unless <c>--urls</c> or <c>ASPNETCORE_URLS</c> says otherwise.</summary>
    public const string DefaultUrl = "http://localhost:5080";

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
        builder.Services.AddFlowStream()
            .AddGemini()
            .AddNode<FlakyNode>("flaky")
            .AddDirectoryWorkflowStore(Path.Combine(AppContext.BaseDirectory, "flows"))
            .AddExecutionStream(options => options.AllowInlineWorkflows = true);
        configureServices?.Invoke(builder);

        var app = builder.Build();
        configurePipeline?.Invoke(app);
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.MapGet("/api/flows", async (IWorkflowStore store, CancellationToken cancellationToken) =>
            (await store.ListAsync(cancellationToken)).Select(flow => new
            {
                id = flow.Id,
                name = flow.Name,
                maxDegreeOfParallelism = flow.Settings?.MaxDegreeOfParallelism ?? 1,
                nodes = flow.Nodes.Select(n => new { name = n.Name, type = n.Type, disabled = n.Disabled }),
                connections = flow.Connections.Select(c => new { from = c.From, to = c.To }),
            }));
        app.MapExecutionStream();
        return app;
    }
}
