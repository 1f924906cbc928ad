using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowStream.AspNetCore.Tests.Infrastructure;

/// <summary>A real Kestrel on 127.0.0.1 (free port) hosting MapExecutionStream, as an application would.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string UserHeader = "X-Test-User";

    private TestServer(WebApplication app, Uri baseAddress, FakeTimeProvider? time)
    {
        App = app;
        BaseAddress = baseAddress;
        Time = time;
        Engine = app.Services.GetRequiredService<IWorkflowEngine>();
        Events = app.Services.GetRequiredService<IExecutionEventReader>();
        Client = CreateClient(withTokenJar: true);
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public FakeTimeProvider? Time { get; }

    public IWorkflowEngine Engine { get; }

    public IExecutionEventReader Events { get; }

    public HttpClient Client { get; }

    public static async Task<TestServer> StartAsync(
        Action<FlowStreamBuilder>? configureFlowStream = null,
        Action<ExecutionStreamOptions>? configureStream = null,
        bool fakeTime = false,
        bool authentication = false,
        HttpProtocols protocols = HttpProtocols.Http1AndHttp2,
        Action<WebApplication>? configurePipeline = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] }); // no file watcher per test host (inotify instances are few)
        builder.Logging.ClearProviders();
        builder.ListenOnFreeLoopbackPort(protocols);
        FakeTimeProvider? time = null;
        if (fakeTime)
        {
            time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
            builder.Services.AddSingleton<TimeProvider>(time);
        }

        var flowStream = builder.Services.AddFlowStream().AddExecutionStream(configureStream);
        configureFlowStream?.Invoke(flowStream);
        if (authentication)
        {
            builder.Services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>("Test", null);
            builder.Services.AddAuthorization();
        }

        var app = builder.Build();
        configurePipeline?.Invoke(app);
        if (authentication)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        app.MapExecutionStream();
        return new TestServer(app, await app.StartOnLoopbackAsync(), time);
    }

    /// <summary>A client of this server; <paramref name="withTokenJar"/> makes it carry the execution tokens of the starts it sent, as a real client does.</summary>
    public HttpClient CreateClient(Version? version = null, bool withTokenJar = false)
    {
        HttpMessageHandler handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        if (withTokenJar)
        {
            handler = new TokenJar(handler);
        }

        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (version is not null)
        {
            client.DefaultRequestVersion = version;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None).WithTimeout("the test server to stop");
        await App.DisposeAsync();
    }

    /// <summary>Authenticates whoever sends <see cref="UserHeader"/>, with that value as NameIdentifier.</summary>
    private sealed class HeaderAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var user = Request.Headers[UserHeader].ToString();
            if (string.IsNullOrEmpty(user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            Claim[] claims = user == "no-id" ? [new Claim(ClaimTypes.Name, user)] : [new Claim(ClaimTypes.NameIdentifier, user)];
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "Test"));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, "Test")));
        }
    }
}
