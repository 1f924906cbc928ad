using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>The event log: each row shows time, type, node and status, and opens to the event's full JSON.</summary>
[Collection(BrowserCollection.Name)]
public sealed class EventLogTests(BrowserFixture fixture)
{
    [Fact]
    public async Task EventLogRow_ShowsTimeTypeNodeAndStatus_AndExpandsToTheFullJson()
    {
        var browser = fixture.RequireBrowser();
        await using var server = await SampleServer.StartAsync();
        var page = await PageSession.OpenAsync(browser, server, 1280, 800, "sequential");

        await page.ClickAsync("#run");
        await page.Locator("body[data-execution-status='success']").WaitForAsync();

        var row = page.Locator("#log li[data-type='nodeExecutionAfter']", new() { Has = page.Locator(".node-name", new() { HasTextString = "Enrich" }) });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        (await row.Locator(".time").TextContentAsync()).Should().MatchRegex(@"^\d\d:\d\d:\d\d\.\d{3}$");
        (await row.Locator(".type").TextContentAsync()).Should().EndWith("nodeExecutionAfter");
        (await row.Locator(".status").TextContentAsync()).Should().Be("success");
        await Assertions.Expect(row.Locator("pre")).ToBeHiddenAsync();

        await row.Locator("summary").ClickAsync();
        await Assertions.Expect(row.Locator("pre")).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator("pre")).ToContainTextAsync("nodeExecutionAfter");
        var json = await row.Locator("pre").TextContentAsync();
        json.Should().Contain("\"type\": \"nodeExecutionAfter\"").And.Contain("\"nodeName\": \"Enrich\"").And.Contain("\"executionId\"").And.Contain("\"total\": 42");
        (await page.Locator("#log li").CountAsync()).Should().Be(12);
        await Assertions.Expect(page.Locator("#log li[data-type='executionFinished'] .status")).ToHaveTextAsync(new Regex("^success$"));
    }
}
