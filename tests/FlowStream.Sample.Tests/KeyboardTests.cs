using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>The page with the keyboard only: choose a flow, run it, pause, resume, open a node's output — no mouse.</summary>
[Collection(BrowserCollection.Name)]
public sealed class KeyboardTests(BrowserFixture fixture)
{
    [Fact]
    public async Task KeyboardOnly_ChooseRunPauseResumeAndOpenANodesOutput()
    {
        var browser = fixture.RequireBrowser();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SampleServer.StartAsync(builder => builder.Services.AddFlowStream().AddNode("wait", async (context, cancellationToken) =>
        {
            await gate.Task.WaitAsync(cancellationToken);
            return NodeResult.Success(context.Input);
        }));
        var page = await PageSession.OpenAsync(browser, server, 1280, 800);
        var keyboard = page.Keyboard;

        // Choose the sequential flow: Tab to its button, Enter.
        await TabToAsync(page, "#flows button[data-flow-id='sequential']");
        await keyboard.PressAsync("Enter");
        await page.Locator("#flows button[data-flow-id='sequential'][aria-pressed='true']").WaitForAsync();

        // Run: Tab to it, Enter. Run becomes disabled; focus goes to Pause, not to the page.
        await TabToAsync(page, "#run");
        await keyboard.PressAsync("Enter");
        await page.Locator(".node[data-node-name='Fetch order'][data-status='running']").WaitForAsync();
        (await ActiveIdAsync(page)).Should().Be("pause", "after Run, focus moves to Pause");

        // Pause with Enter: focus moves to Resume; resume with Enter: back to Pause.
        await keyboard.PressAsync("Enter");
        await page.Locator("body[data-execution-status='paused']").WaitForAsync();
        (await ActiveIdAsync(page)).Should().Be("resume", "once paused, focus moves to Resume");
        await keyboard.PressAsync("Enter");
        await page.Locator("body[data-execution-status='running']").WaitForAsync();
        (await ActiveIdAsync(page)).Should().Be("pause");

        gate.SetResult();
        await page.Locator("body[data-execution-status='success']").WaitForAsync();
        (await ActiveIdAsync(page)).Should().Be("run", "at the end, focus moves to Run for the next run");

        // Open a node's output: nodes are buttons in the tab order.
        await TabToAsync(page, ".node[data-node-name='Enrich']");
        (await page.EvaluateAsync<string>("() => document.activeElement.textContent")).Should().Contain("Enrich").And.Contain("succeeded", "the node's name says its status to a screen reader");
        await keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("#details")).ToBeVisibleAsync();
        (await page.TextContentAsync("#details-body")).Should().Contain("\"customer\": \"Ada\"").And.Contain("\"total\": 42");
        (await ActiveIdAsync(page)).Should().Be("details-body", "the output opens with focus on it");

        // Escape closes the details and returns to the node.
        await keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator("#details")).ToBeHiddenAsync();
        (await page.EvaluateAsync<string>("() => document.activeElement.dataset.nodeName")).Should().Be("Enrich");
    }

    private static Task<string> ActiveIdAsync(IPage page) => page.EvaluateAsync<string>("() => document.activeElement?.id ?? ''");

    /// <summary>Presses Tab until the element matching <paramref name="selector"/> has the focus.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var i = 0; i < 60; i++)
        {
            if (await page.EvaluateAsync<bool>("(s) => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }

            await page.Keyboard.PressAsync("Tab");
        }

        throw new InvalidOperationException($"Tab never reached {selector}.");
    }
}
