using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowStream.Sample.Tests;

/// <summary>The sample app, exactly as Program.cs builds it, on a real Kestrel at a free loopback port.</summary>
internal sealed class SampleServer : IAsyncDisposable
{
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
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SampleServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
