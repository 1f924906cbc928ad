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

        // The Gemini node reads FlowStream:Gemini from configuration (appsettings, user secrets, environment), and falls back
        // to the GEMINI_API_KEY environment variable; without a key its node fails with "API key not configured".
        var flowsDirectory = builder.Configuration[FlowsDirectoryKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "flows");
        builder.Services.AddFlowStream()
            .AddGemini()
            .AddNode<FlakyNode>("flaky")
            .AddDirectoryWorkflowStore(flowsDirectory)
            .AddExecutionStream(options => options.AllowInlineWorkflows = true);
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
                connections = flow.Connections.Select(c => new { from = c.From, to = c.To }),
            }),
            problems = (store as DirectoryWorkflowStore)?.LoadErrors.Select(e => new
            {
                file = e.Path == ((DirectoryWorkflowStore)store).Directory ? e.Path : Path.GetFileName(e.Path),
                path = e.Path,
                message = e.Message,
                problems = e.Problems.Select(p => new { code = p.Code, message = p.Message, nodeName = p.NodeName }),
            }) ?? [],
        });
        app.MapExecutionStream();
        return app;
    }
}
