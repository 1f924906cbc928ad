using System.Text.Json;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>The time left shown during the parallel flow: never 0 (or blank) while a node runs, "paused" while paused.</summary>
[Collection(BrowserCollection.Name)]
public sealed class EtaTests(BrowserFixture fixture)
{
    /// <summary>Records, at every change of the page, the shown time left with the number of running nodes and the run's status.</summary>
    private const string Record = """
        () => {
          window.__eta = [];
          const take = () => window.__eta.push({
            text: document.querySelector('#eta').textContent,
            running: document.querySelectorAll('.node[data-status="running"]').length,
            status: document.body.dataset.executionStatus });
          new MutationObserver(take).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-status', 'data-execution-status'] });
        }
        """;

    [Fact]
    public async Task ParallelFlow_TimeLeftIsNeverZeroWhileANodeRuns_AndSaysPausedWhilePaused()
    {
        var browser = fixture.RequireBrowser();
        await using var server = await SampleServer.StartAsync();
        var page = await PageSession.OpenAsync(browser, server, 1280, 800, "parallel");
        await page.EvaluateAsync(Record);

        await page.ClickAsync("#run");
        await page.Locator(".node[data-node-name='Traffic'][data-status='running']").WaitForAsync();
        await page.Locator(".node[data-node-name='Start'][data-status='success']").WaitForAsync();
        await Assertions.Expect(page.Locator("#eta")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("left"));
        await page.ClickAsync("#pause");
        await page.Locator("body[data-execution-status='paused']").WaitForAsync();
        (await page.TextContentAsync("#eta")).Should().Be("paused");

        // Still "paused" once the three waits have finished and nothing may start.
        await page.Locator(".node[data-node-name='Traffic'][data-status='success']").WaitForAsync();
        (await page.TextContentAsync("#eta")).Should().Be("paused");
        (await page.GetAttributeAsync(".node[data-node-name='Merge']", "data-status")).Should().Be("idle");

        await page.ClickAsync("#resume");
        await page.Locator("body[data-execution-status='success']").WaitForAsync();

        var records = JsonSerializer.Deserialize<List<EtaRecord>>(await page.EvaluateAsync<string>("() => JSON.stringify(window.__eta)"), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var whileRunning = records.Where(r => r.Running > 0 && r.Status == "running").ToList();
        whileRunning.Should().NotBeEmpty();
        foreach (var record in whileRunning)
        {
            record.Text.Should().NotBeNullOrWhiteSpace("a time left is shown while nodes run");
            record.Text.Should().NotMatchRegex(@"(^|\D)0(\.0+)? s", "the time left is never 0 while a node runs");
        }

        records.Where(r => r.Status == "paused").Should().OnlyContain(r => r.Text == "paused");
        records.Should().Contain(r => r.Running >= 2 && r.Text.Contains("left"), "a time left was shown while the three branches ran");
        (await page.TextContentAsync("#eta")).Should().BeEmpty("nothing is left at the end");
    }

    private sealed record EtaRecord(string Text, int Running, string Status);
}
