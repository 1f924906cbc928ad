using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowStream.Sample.Tests;

/// <summary>The sample app, exactly as Program.cs builds it, on a real Kestrel at a free loopback port.</summary>
internal sealed class SampleServer : IAsyncDisposable
{
    private int _disposed;

    private SampleServer(WebApplication app, string baseUrl)
    {
        App = app;
        BaseUrl = baseUrl;
        Engine = app.Services.GetRequiredService<IWorkflowEngine>();
    }

    public WebApplication App { get; }

    public string BaseUrl { get; }

    public IWorkflowEngine Engine { get; }

    public static async Task<SampleServer> StartAsync(Action<WebApplicationBuilder>? configureServices = null, Action<WebApplication>? configurePipeline = null, string[]? args = null)
    {
        var app = SampleApp.Build(
            ["--urls", "http://127.0.0.1:0", .. args ?? []],
            builder =>
            {
                builder.Logging.ClearProviders();
                configureServices?.Invoke(builder);
            },
            configurePipeline);
        var address = await app.StartOnLoopbackAsync();
        return new SampleServer(app, address.AbsoluteUri.TrimEnd('/'));
    }

    /// <summary>Stops the host (gracefully, as Ctrl+C would) and disposes it; a second call does nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await App.StopAsync(CancellationToken.None).WithTimeout("the sample server to stop");
        await App.DisposeAsync();
    }
}
