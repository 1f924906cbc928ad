using System.Net;
using System.Text.Json;
using FlowStream.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Tests.Nodes;

/// <summary>The <c>http</c> node through the engine, against a real Kestrel on 127.0.0.1.</summary>
public class HttpNodeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_JsonResponse_OutputsStatusHeadersAndParsedBody()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}/json"}"""));

        events.StatusOf("Http").Should().Be("success");
        var output = events.After("Http").GetProperty("data");
        output.GetProperty("statusCode").GetInt32().Should().Be(200);
        output.GetProperty("headers").GetProperty("content-type").GetString().Should().Be("application/json");
        output.GetProperty("body").GetRawText().Should().Be("""{"ok":true,"items":[1,2]}""");
    }

    [Theory]
    [InlineData("/problem", """{"title":"x"}""")]
    [InlineData("/text", "\"héllo\"")]
    [InlineData("/notjson", "\"not json at all\"")]
    [InlineData("/empty", "null")]
    public async Task Get_BodyIsJsonOnlyWhenTheContentTypeSaysSo_ElseText(string path, string body)
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}{{path}}"}"""));

        var actual = events.After("Http").GetProperty("data").GetProperty("body");
        JsonElement.DeepEquals(actual, ExecutionEventTestExtensions.Json(body)).Should().BeTrue($"{actual.GetRawText()} is {body}");
    }

    [Fact]
    public async Task Post_TemplatedUrlQueryHeadersAndJsonBody_AreSent()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("Http", "http", """
                {"method":"post","url":"BASE/{{ $json.path }}",
                 "query":{"id":"{{ $json.id }}","tag":["a b","c&d"],"n":2},
                 "headers":{"X-Test":"order {{ $json.id }}"},
                 "body":{"order":"{{ $json.id }}","total":"{{ $json.total }}"}}
                """.Replace("BASE", server.BaseAddress, StringComparison.Ordinal))
            .Chain("Start", "Http")
            .Build();

        var events = await host.RunAsync(workflow, """{"path":"echo","id":"o-7","total":12.5}""");

        var echo = events.After("Http").GetProperty("data").GetProperty("body");
        echo.GetProperty("method").GetString().Should().Be("POST");
        echo.GetProperty("query").GetString().Should().Be("?id=o-7&tag=a%20b&tag=c%26d&n=2");
        echo.GetProperty("xTest").GetString().Should().Be("order o-7");
        echo.GetProperty("contentType").GetString().Should().Be("application/json; charset=utf-8");
        echo.GetProperty("body").GetString().Should().Be("""{"order":"o-7","total":12.5}""");
    }

    [Fact]
    public async Task Post_TextBody_IsSentWithItsContentType()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();

        var events = await host.RunAsync(Http($$"""{"method":"PUT","url":"{{server.BaseAddress}}/echo","body":"a,b\n1,2","contentType":"text/csv"}"""));

        var echo = events.After("Http").GetProperty("data").GetProperty("body");
        echo.GetProperty("method").GetString().Should().Be("PUT");
        echo.GetProperty("contentType").GetString().Should().Be("text/csv");
        echo.GetProperty("body").GetString().Should().Be("a,b\n1,2");
    }

    [Fact]
    public async Task ContentTypeHeader_ReplacesTheBodysOwn()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();

        var events = await host.RunAsync(Http($$"""{"method":"POST","url":"{{server.BaseAddress}}/echo","body":{"a":1},"headers":{"Content-Type":"application/vnd.shop+json"} }"""));

        events.After("Http").GetProperty("data").GetProperty("body").GetProperty("contentType").GetString().Should().Be("application/vnd.shop+json");
    }

    [Fact]
    public async Task Non2xx_FailsTheNode_WithTheStatusAndAShortExcerpt()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}/status/503?secret=s3cr3t"}"""));

        events.StatusOf("Http").Should().Be("error");
        var message = events.ErrorOf("Http")!;
        message.Should().StartWith($"HTTP 503 Service Unavailable from GET {server.BaseAddress}/status/503: boom: something went wrong xxx");
        message.Should().EndWith("…").And.NotContain("s3cr3t");
        message.Length.Should().BeLessThan(320);
        events.FinishedStatus().Should().Be("error");
    }

    [Fact]
    public async Task Non2xx_WithFailOnErrorFalse_IsAnOutput()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}/status/404","failOnError":false}"""));

        events.StatusOf("Http").Should().Be("success");
        events.After("Http").GetProperty("data").GetProperty("statusCode").GetInt32().Should().Be(404);
    }

    [Fact]
    public async Task Timeout_FailsTheNode_AndTheServerSeesTheRequestAborted()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();
        var execution = host.Engine.Start(Http($$"""{"url":"{{server.BaseAddress}}/slow","timeoutMs":250}"""));
        var recorder = EventRecorder.Start(host.Engine, execution.Id);

        await server.SlowArrived;
        host.Time.Advance(TimeSpan.FromMilliseconds(250));
        var events = await recorder.Completion.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        events.ErrorOf("Http").Should().Be($"GET {server.BaseAddress}/slow timed out after 250 ms.");
    }

    [Fact]
    public async Task Timeout_DefaultComesFromTheOptions_AndALargerOneThanTheMaximumIsRefused()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback(o => o.MaxTimeout = TimeSpan.FromSeconds(30));

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}/json","timeoutMs":60000}"""));

        events.ErrorOf("Http").Should().Be("Parameter 'timeoutMs' of node 'Http' must be more than 0 and at most 30000 (HttpNodeOptions.MaxTimeout).");
        server.Paths.Should().BeEmpty();
    }

    [Theory]
    [InlineData("/big/2000")]
    [InlineData("/chunked/2000")]
    public async Task ResponseLargerThanTheCap_FailsNamingTheLimit(string path)
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback(o => o.MaxResponseBytes = 1000);

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}{{path}}"}"""));

        events.ErrorOf("Http").Should().Be($"The response to GET {server.BaseAddress}{path} is larger than 1000 bytes (HttpNodeOptions.MaxResponseBytes).");
    }

    [Fact]
    public async Task ResponseAtTheCap_IsRead()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback(o => o.MaxResponseBytes = 1000);

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}/chunked/1000"}"""));

        events.After("Http").GetProperty("data").GetProperty("body").GetString().Should().HaveLength(1000);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task LoopbackDestination_IsRefusedByDefault_BeforeAnyRequest(string hostName)
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(Http($$"""{"url":"http://{{hostName}}:{{server.Port}}/json"}"""));

        events.StatusOf("Http").Should().Be("error");
        events.ErrorOf("Http").Should().StartWith($"GET http://{hostName}:{server.Port}/json failed: Refused to connect to '{hostName}': it resolves to a loopback, private, link-local or multicast address");
        server.Paths.Should().BeEmpty();
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.10")]
    [InlineData("172.20.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("224.0.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("[::1]")]
    [InlineData("[fd00::1]")]
    [InlineData("[fe80::1]")]
    [InlineData("[::ffff:10.0.0.1]")]
    public async Task PrivateLinkLocalAndMulticastDestinations_AreRefused(string address)
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(Http($$"""{"url":"http://{{address}}:9/x"}"""));

        events.ErrorOf("Http").Should().Contain("Refused to connect to").And.Contain("HttpNodeOptions.AllowPrivateNetworks is off");
    }

    [Fact]
    public async Task RedirectToAPrivateAddress_IsRefused()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}/redirect?to=http://10.255.255.1:{{server.Port}}/json"}"""));

        events.ErrorOf("Http").Should().Contain("Refused to connect to '10.255.255.1'");
        server.Paths.Should().ContainSingle();
    }

    [Fact]
    public async Task RedirectToALoopbackAddressOutsideTheAllowedNetworks_IsRefused()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}/redirect?to=http://127.0.0.2:{{server.Port}}/json"}"""));

        events.ErrorOf("Http").Should().Contain("Refused to connect to '127.0.0.2'");
        server.Paths.Should().ContainSingle();
    }

    [Fact]
    public async Task RedirectWithinTheAllowedNetworks_IsFollowed()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = AllowLoopback();

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}/redirect?to=/json"}"""));

        events.After("Http").GetProperty("data").GetProperty("body").GetProperty("ok").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task AllowPrivateNetworks_LetsTheNodeReachLoopbackByName()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = TestEngine.Create(nodes => nodes.ConfigureHttpNode(o => o.AllowPrivateNetworks = true));

        var events = await host.RunAsync(Http($$"""{"url":"http://localhost:{{server.Port}}/json"}"""));

        events.StatusOf("Http").Should().Be("success");
    }

    [Fact]
    public async Task NamedClient_HandlersAddedByTheHost_AreUsed()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = TestEngine.Create(
            nodes => nodes.ConfigureHttpNode(o => o.AllowedNetworks.Add(IPNetwork.Parse("127.0.0.1/32"))),
            configureServices: services => services.AddHttpClient(HttpNodeOptions.HttpClientName).AddHttpMessageHandler(() => new HeaderHandler()));

        var events = await host.RunAsync(Http($$"""{"url":"{{server.BaseAddress}}/echo"}"""));

        events.After("Http").GetProperty("data").GetProperty("body").GetProperty("xHost").GetString().Should().Be("yes");
    }

    [Fact]
    public async Task RelativeUrl_IsResolvedAgainstTheNamedClientsBaseAddress_WhenTheHostSetsOne()
    {
        await using var server = await LoopbackHttpServer.StartAsync();
        await using var host = TestEngine.Create(
            nodes => nodes.ConfigureHttpNode(o => o.AllowedNetworks.Add(IPNetwork.Parse("127.0.0.1/32"))),
            configureServices: services => services.AddHttpClient(HttpNodeOptions.HttpClientName, client => client.BaseAddress = new Uri(server.BaseAddress + "/")));

        var events = await host.RunAsync(Http("""{"url":"/json"}"""));

        events.After("Http").GetProperty("data").GetProperty("body").GetProperty("ok").GetBoolean().Should().BeTrue();
    }

    [Theory]
    [InlineData("""{}""", "Parameter 'url' of node 'Http' must be an absolute http or https URL.")]
    [InlineData("""{"url":"/relative"}""", "Parameter 'url' of node 'Http' must be an absolute http or https URL.")]
    [InlineData("""{"url":"ftp://example.test/x"}""", "Parameter 'url' of node 'Http' must be an absolute http or https URL.")]
    [InlineData("""{"url":"http://example.test/","method":"GE T"}""", "Parameter 'method' of node 'Http' must be an HTTP method such as GET or POST.")]
    [InlineData("""{"url":"http://example.test/","headers":["x"]}""", "Parameter 'headers' of node 'Http' must be an object of header names and values.")]
    [InlineData("""{"url":"http://example.test/","query":"a=1"}""", "Parameter 'query' of node 'Http' must be an object of names and values.")]
    [InlineData("""{"url":"http://example.test/","headers":{"Content-Type":"text/plain"}}""", "Header 'Content-Type' of node 'Http' cannot be set on this request (a content header needs a body).")]
    [InlineData("""{"url":"http://example.test/","timeoutMs":0}""", "Parameter 'timeoutMs' of node 'Http' must be more than 0 and at most 300000 (HttpNodeOptions.MaxTimeout).")]
    public async Task BadParameters_FailTheNode(string parameters, string message)
    {
        await using var host = TestEngine.Create();

        var events = await host.RunAsync(Http(parameters));

        events.ErrorOf("Http").Should().Be(message);
    }

    [Fact]
    public void Options_OutOfRange_AreRefusedAtStartNamingTheValue()
    {
        var services = new ServiceCollection();
        services.AddFlowStream().ConfigureHttpNode(o => o.MaxResponseBytes = 0);
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HttpNodeOptions>>().Value;

        act.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>().WithMessage("*MaxResponseBytes must be at least 1 (was 0)*");
    }

    private static TestEngine AllowLoopback(Action<HttpNodeOptions>? configure = null)
        => TestEngine.Create(nodes => nodes.ConfigureHttpNode(o =>
        {
            o.AllowedNetworks.Add(IPNetwork.Parse("127.0.0.1/32"));
            configure?.Invoke(o);
        }));

    private static WorkflowDefinition Http(string parameters) => new WorkflowBuilder("w").AddNode("Http", "http", parameters).Build();

    private sealed class HeaderHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("X-Host-Handler", "yes");
            return base.SendAsync(request, cancellationToken);
        }
    }
}
