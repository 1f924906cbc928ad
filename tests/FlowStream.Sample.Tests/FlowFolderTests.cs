using System.Net;
using Microsoft.Extensions.Configuration;
using System.Text.Json;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>Flow files that cannot be loaded, and a missing flows folder, are listed on the page with their problems.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FlowFolderTests(BrowserFixture fixture)
{
    [Fact]
    public async Task FlowFilesWithErrors_AreListedOnThePageWithTheirProblems_TheOthersStillRun()
    {
        var browser = fixture.RequireBrowser();
        var directory = Directory.CreateTempSubdirectory("flowstream-flows-");
        try
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "flows", "1-sequential.json"), Path.Combine(directory.FullName, "1-sequential.json"));
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "2-broken.json"), """{ "id": "broken", "nodes": [ """, TestContext.Current.CancellationToken);
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "3-unknown-type.json"), """
                { "id": "unknown", "name": "Unknown type", "nodes": [ { "name": "Start", "type": "manualTrigger" }, { "name": "Call", "type": "teleport" } ],
                  "connections": [ { "from": "Start", "to": "Call" } ] }
                """, TestContext.Current.CancellationToken);

            await using var server = await SampleServer.StartAsync(args: [$"--{SampleApp.FlowsDirectoryKey}={directory.FullName}"]);
            var page = await PageSession.OpenAsync(browser, server, 1280, 800);

            await Assertions.Expect(page.Locator("#flow-problems")).ToBeVisibleAsync();
            (await page.Locator("#flows button").CountAsync()).Should().Be(1, "only the valid flow can be run");
            var broken = page.Locator(".flow-problem[data-file='2-broken.json']");
            await Assertions.Expect(broken).ToContainTextAsync("The file is not a workflow");
            var unknown = page.Locator(".flow-problem[data-file='3-unknown-type.json']");
            await Assertions.Expect(unknown).ToContainTextAsync("teleport");
            await PageSession.SaveScreenshotAsync(page, "sample-flow-problems.png");
            var axe = await Deque.AxeCore.Playwright.PageExtensions.RunAxe(page);
            axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id).Should().BeEmpty("the list of files that failed to load is accessible too");

            await page.ClickAsync("#run");
            await page.Locator("body[data-execution-status='success']").WaitForAsync();
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task MissingFlowsFolder_IsReportedAsAMissingFolder()
    {
        var browser = fixture.RequireBrowser();
        var missing = Path.Combine(Path.GetTempPath(), "flowstream-no-such-folder-" + Guid.NewGuid().ToString("N"));
        await using var server = await SampleServer.StartAsync(args: [$"--{SampleApp.FlowsDirectoryKey}={missing}"]);
        var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.BaseUrl);

        var problem = page.Locator(".flow-problem");
        await Assertions.Expect(problem).ToContainTextAsync("The folder does not exist.");
        await Assertions.Expect(problem).ToContainTextAsync(missing);
        (await page.Locator("#flows button").CountAsync()).Should().Be(0);
    }
}

/// <summary>The sample host's small extras, over plain HTTP.</summary>
public sealed class SampleHostTests
{
    [Fact]
    public async Task Favicon_IsServed()
    {
        await using var server = await SampleServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        using var response = await http.GetAsync(new Uri("/favicon.ico", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("image/svg+xml");
    }

    [Fact]
    public async Task FlowsApi_ListsTheFlowsAndNoProblems_ForTheSamplesOwnFolder()
    {
        await using var server = await SampleServer.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };

        using var body = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/flows", UriKind.Relative), TestContext.Current.CancellationToken));

        body.RootElement.GetProperty("flows").EnumerateArray().Select(f => f.GetProperty("id").GetString()).Should().Equal("sequential", "parallel", "retry-and-fail", "gemini", "order-approval", "http-demo", "subflow");
        body.RootElement.GetProperty("problems").GetArrayLength().Should().Be(0);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public async Task UserSecrets_AreReadWhateverTheEnvironment(string environment)
    {
        await using var app = SampleApp.Build(["--environment", environment, "--urls", "http://127.0.0.1:0"]);

        var providers = ((IConfigurationRoot)app.Configuration).Providers.OfType<Microsoft.Extensions.Configuration.Json.JsonConfigurationProvider>();
        providers.Should().ContainSingle(p => p.Source.Path == "secrets.json", "the sample's user secrets are a configuration source in " + environment);
    }

    [Fact]
    public void RequestLogs_AreAtWarningByDefault()
    {
        var settings = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json"));
        var config = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();

        config["Logging:LogLevel:Microsoft.AspNetCore"].Should().Be("Warning");
        settings.Should().Contain("Information", "a comment says how to turn them up");
    }
}
