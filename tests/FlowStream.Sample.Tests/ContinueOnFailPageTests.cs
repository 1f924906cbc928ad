using System.Text.Json;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>A node with continueOnFail that fails: "error, continued", not a plain red cross, and the run still succeeds.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ContinueOnFailPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task ContinueOnFailNode_ShowsErrorContinued_AndTheRunSucceeds()
    {
        var browser = fixture.RequireBrowser();
        var directory = Directory.CreateTempSubdirectory("flowstream-continue-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "continue.json"), JsonSerializer.Serialize(new
            {
                id = "continue",
                name = "Continue on fail",
                nodes = new object[]
                {
                    new { name = "Start", type = "manualTrigger" },
                    new { name = "Optional lookup", type = "stopAndError", parameters = new { message = "Lookup service unavailable" }, continueOnFail = true },
                    new { name = "Reply", type = "noOp" },
                },
                connections = new object[] { new { from = "Start", to = "Optional lookup" }, new { from = "Optional lookup", to = "Reply" } },
            }), TestContext.Current.CancellationToken);
            await using var server = await SampleServer.StartAsync(args: [$"--{SampleApp.FlowsDirectoryKey}={directory.FullName}"]);
            var page = await PageSession.OpenAsync(browser, server, 1280, 800, "continue");

            await page.ClickAsync("#run");
            await page.Locator("body[data-execution-status='success']").WaitForAsync();

            var node = page.Locator(".node[data-node-name='Optional lookup']");
            (await node.GetAttributeAsync("data-status")).Should().Be("error");
            (await node.GetAttributeAsync("data-continued")).Should().Be("true");
            (await node.Locator(".node-note").TextContentAsync()).Should().Be("error, continued");
            (await node.Locator(".node-error").TextContentAsync()).Should().Be("Lookup service unavailable");
            (await node.Locator(".status-text").TextContentAsync()).Should().Be(", error, continued");
            var icon = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector(\".node[data-node-name='Optional lookup'] .icon\"), '::after').content");
            icon.Should().NotContain("✗", "a continued error is not shown as a plain failure");
            (await page.GetAttributeAsync(".node[data-node-name='Reply']", "data-status")).Should().Be("success");
            await Assertions.Expect(page.Locator("#log li[data-type='nodeExecutionAfter'] .status", new() { HasTextString = "error, continued" })).ToHaveCountAsync(1);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
