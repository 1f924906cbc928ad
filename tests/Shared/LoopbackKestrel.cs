using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Testing;

/// <summary>A real Kestrel on 127.0.0.1 at a free port, for the test servers (shared by the test projects as a linked file).</summary>
internal static class LoopbackKestrel
{
    /// <summary>
    /// No inotify watcher per test server: hosts would watch appsettings*.json for changes, and the per-user limit of inotify
    /// instances (128 by default, shared by every process of the user) runs out when many servers start in parallel
    /// ("The configured user limit (128) on the number of inotify instances has been reached"). Set before any host is built.
    /// </summary>
#pragma warning disable CA2255 // ModuleInitializer in a test assembly, on purpose: it must run before the first test builds a host.
    [ModuleInitializer]
    internal static void NoFileWatchers()
#pragma warning restore CA2255
    {
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
    }

    /// <summary>Makes the host listen on 127.0.0.1 at a port the OS picks.</summary>
    public static WebApplicationBuilder ListenOnFreeLoopbackPort(this WebApplicationBuilder builder, HttpProtocols protocols = HttpProtocols.Http1AndHttp2, Action<KestrelServerOptions>? configure = null)
    {
        builder.WebHost.UseKestrel(kestrel =>
        {
            configure?.Invoke(kestrel);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = protocols);
        });
        return builder;
    }

    /// <summary>Starts the host (time-guarded) and returns its address, <c>http://127.0.0.1:port/</c>.</summary>
    public static async Task<Uri> StartOnLoopbackAsync(this WebApplication app)
    {
        await app.StartAsync(TestContext.Current.CancellationToken).WithTimeout("the test server to start");
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
