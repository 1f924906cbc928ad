using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>An axe-core scan of the page idle, mid-run and finished, at a desktop and a phone width: no serious or critical violation.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture fixture)
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(420, 800)]
    public async Task AxeScan_IdleMidRunAndFinished_HasNoSeriousOrCriticalViolations(int width, int height)
    {
        var browser = fixture.RequireBrowser();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SampleServer.StartAsync(builder => builder.Services.AddFlowStream().AddNode("wait", async (context, cancellationToken) =>
        {
            await gate.Task.WaitAsync(cancellationToken);
            return NodeResult.Success(context.Input);
        }));
        var page = await PageSession.OpenAsync(browser, server, width, height, "retry-and-fail");

        await AssertNoSeriousViolationsAsync(page, "idle");

        // The flows whose "wait" nodes are held by the test: the scan sees spinners, a running toolbar and a growing log.
        await page.ClickAsync("#flows button[data-flow-id='parallel']");
        await page.ClickAsync("#run");
        await page.Locator(".node[data-node-name='Traffic'][data-status='running']").WaitForAsync();
        await page.ClickAsync("#log li:first-child summary");
        await page.ClickAsync(".node[data-node-name='Start']");
        await AssertNoSeriousViolationsAsync(page, "mid-run");

        gate.SetResult();
        await page.Locator("body[data-execution-status='success']").WaitForAsync();
        await AssertNoSeriousViolationsAsync(page, "finished");

        // A failed run: errors, skipped nodes (their contrast), retry notes.
        await page.ClickAsync("#flows button[data-flow-id='retry-and-fail']");
        await page.ClickAsync("#run");
        await page.Locator("body[data-execution-status='error']").WaitForAsync();
        await page.ClickAsync(".node[data-node-name='Validate']");
        await AssertNoSeriousViolationsAsync(page, "failed");
    }

    private static async Task AssertNoSeriousViolationsAsync(IPage page, string state)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var violation in result.Violations)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{state}: {violation.Impact} {violation.Id}: {violation.Help} at {string.Join(", ", violation.Nodes.Select(n => n.Target?.ToString()))}");
        }

        serious.Should().BeEmpty($"the page {state} has no serious or critical accessibility violations: " + string.Join("; ", serious.Select(v =>
            $"{v.Id} ({v.Impact}) {v.Help}: {string.Join(", ", v.Nodes.Select(n => n.Html))}")));
    }
}
