using FlowStream.Testing;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>Opens the sample page in a fresh browser context at a given window size, and saves screenshots as test artifacts.</summary>
internal static class PageSession
{
    public const float Timeout = 30_000;

    public static async Task<IPage> OpenAsync(IBrowser browser, SampleServer server, int width = 1280, int height = 800, string? flowId = null)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(server.BaseUrl);
        await page.Locator("#flows button").First.WaitForAsync();
        if (flowId is not null)
        {
            await page.ClickAsync($"#flows button[data-flow-id='{flowId}']");
        }

        await page.Locator("#run:not([disabled])").WaitForAsync();
        return page;
    }

    /// <summary>Saves a screenshot under artifacts/screenshots and attaches it to the test's result.</summary>
    public static async Task<string> SaveScreenshotAsync(IPage page, string name, bool fullPage = false)
    {
        var directory = Path.Combine(RepositoryPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        await page.ScreenshotAsync(new() { Path = path, FullPage = fullPage });
        TestContext.Current.AddAttachment(name, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken), "image/png");
        return path;
    }
}
