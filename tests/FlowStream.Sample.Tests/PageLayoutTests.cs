using System.Text.Json;
using FlowStream.Testing;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>
/// The page at a laptop, a desktop and a phone width: the page never scrolls sideways, every node of every sample flow can be
/// brought into view inside the graph's own panel, and the toolbar stays in view meanwhile.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PageLayoutTests(BrowserFixture fixture)
{
    /// <summary>For each node: scroll it into view inside the graph panel, then report whether it lies inside the panel and the window.</summary>
    private const string CheckNodes = """
        () => {
          const viewport = document.querySelector('#graph-viewport');
          const toolbar = document.querySelector('#toolbar');
          const inWindow = (r) => r.top >= -1 && r.left >= -1 && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1;
          return [...document.querySelectorAll('#graph .node')].map((node) => {
            node.scrollIntoView({ block: 'nearest', inline: 'nearest' });
            const r = node.getBoundingClientRect(), v = viewport.getBoundingClientRect(), t = toolbar.getBoundingClientRect();
            const inPanel = r.left >= v.left - 1 && r.right <= v.right + 1 && r.top >= v.top - 1 && r.bottom <= v.bottom + 1;
            const covered = r.top < t.bottom - 1 && r.bottom > t.top + 1 && r.left < t.right && r.right > t.left;
            return { name: node.dataset.nodeName, inPanel, inWindow: inWindow(r), toolbarInWindow: inWindow(t) && t.height > 0, covered };
          });
        }
        """;

    public static TheoryData<int, int> Sizes => new() { { 1280, 800 }, { 1920, 1080 }, { 420, 800 }, { 360, 640 }, { 1024, 768 } };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task EveryFlow_AtThisSize_NoSidewaysPageScroll_EveryNodeReachableInTheGraphPanel_ToolbarInView(int width, int height)
    {
        var browser = fixture.RequireBrowser();
        await using var server = await SampleServer.StartAsync();
        var page = await PageSession.OpenAsync(browser, server, width, height);
        var flowIds = await page.EvalOnSelectorAllAsync<string[]>("#flows button", "buttons => buttons.map(b => b.dataset.flowId)");
        flowIds.Should().HaveCountGreaterThanOrEqualTo(4);

        foreach (var flowId in flowIds)
        {
            await page.ClickAsync($"#flows button[data-flow-id='{flowId}']");
            await page.Locator($"#flows button[data-flow-id='{flowId}'][aria-pressed='true']").WaitForAsync();
            await AssertLayoutAsync(page, $"{flowId} at {width}x{height}");
        }

        // The longest flow, run to the end: the event log and the node states must not widen anything either.
        await page.ClickAsync("#flows button[data-flow-id='sequential']");
        await page.ClickAsync("#run");
        await page.Locator(".node[data-node-name='Check stock'][data-status='running']").WaitForAsync();
        await AssertLayoutAsync(page, $"sequential mid-run at {width}x{height}");
        await page.EvaluateAsync("() => { document.querySelector('#graph-viewport').scrollTo(0, 0); window.scrollTo(0, 0); }");
        await PageSession.SaveScreenshotAsync(page, $"sample-{width}x{height}-mid-run.png");
        await page.Locator("body[data-execution-status='success']").WaitForAsync();
        await page.ClickAsync(".node[data-node-name='Confirm']");
        await AssertLayoutAsync(page, $"sequential finished at {width}x{height}");
        await page.EvaluateAsync("() => { document.querySelector('#graph-viewport').scrollTo(0, 0); window.scrollTo(0, 0); }");
        await PageSession.SaveScreenshotAsync(page, $"sample-{width}x{height}-finished.png", fullPage: width < 720);
    }

    [Fact]
    public async Task LongNamesAndMessages_StayInsideTheirNodes_FullTextInTooltipAndDetails()
    {
        var browser = fixture.RequireBrowser();
        var longName = "Normalise" + new string('X', 80) + "EveryIncomingRecord";
        var longMessage = string.Join(" ", Enumerable.Repeat("The upstream system rejected the order because a field was missing.", 8));
        var directory = Directory.CreateTempSubdirectory("flowstream-long-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory.FullName, "long.json"), JsonSerializer.Serialize(new
            {
                id = "long",
                name = "A flow whose names and messages are long",
                nodes = new object[]
                {
                    new { name = "Start", type = "manualTrigger" },
                    new { name = longName, type = "noOp" },
                    new { name = "Fail", type = "stopAndError", parameters = new { message = longMessage } },
                },
                connections = new object[] { new { from = "Start", to = longName }, new { from = longName, to = "Fail" } },
            }), TestContext.Current.CancellationToken);

            await using var server = await SampleServer.StartAsync(args: [$"--{SampleApp.FlowsDirectoryKey}={directory.FullName}"]);
            var page = await PageSession.OpenAsync(browser, server, 1280, 800, "long");
            await page.ClickAsync("#run");
            await page.Locator("body[data-execution-status='error']").WaitForAsync();

            var boxes = await page.EvaluateAsync<JsonElement>("""
                () => [...document.querySelectorAll('#graph .node')].map(n => ({ name: n.dataset.nodeName, width: n.offsetWidth, height: n.offsetHeight,
                  overflow: [...n.querySelectorAll('span')].some(s => s.offsetWidth && s.getBoundingClientRect().right > n.getBoundingClientRect().right + 1),
                  clipped: n.classList.contains('clipped'), title: n.title }))
                """);
            foreach (var box in boxes.EnumerateArray())
            {
                box.GetProperty("width").GetInt32().Should().BeLessThanOrEqualTo(180, "a node keeps its width whatever its text");
                box.GetProperty("height").GetInt32().Should().BeLessThanOrEqualTo(160, "long messages are capped to a few lines");
                box.GetProperty("overflow").GetBoolean().Should().BeFalse("no text spills out of its node");
            }

            var nodes = boxes.EnumerateArray().ToDictionary(b => b.GetProperty("name").GetString()!);
            nodes[longName].GetProperty("title").GetString().Should().Be(longName, "the full name is in the tooltip");
            nodes["Fail"].GetProperty("clipped").GetBoolean().Should().BeTrue("a capped message says there is more");
            await Assertions.Expect(page.Locator(".node[data-node-name='Fail'] .more")).ToBeVisibleAsync();
            await page.ClickAsync(".node[data-node-name='Fail']");
            (await page.TextContentAsync("#details-body")).Should().Contain(longMessage, "the details show the whole message");
            await page.ClickAsync($".node[data-node-name='{longName}']");
            (await page.TextContentAsync("#details-title")).Should().Contain(longName);
            (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).Should().BeLessThanOrEqualTo(1280);
            await PageSession.SaveScreenshotAsync(page, "sample-long-names.png");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task AssertLayoutAsync(IPage page, string because)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]");
        widths[0].Should().BeLessThanOrEqualTo(widths[2], $"the page never scrolls sideways ({because})");
        widths[1].Should().BeLessThanOrEqualTo(widths[2], $"the page never scrolls sideways ({because})");
        var nodes = await page.EvaluateAsync<JsonElement>(CheckNodes);
        nodes.GetArrayLength().Should().BeGreaterThan(0);
        foreach (var node in nodes.EnumerateArray())
        {
            var name = node.GetProperty("name").GetString();
            node.GetProperty("inPanel").GetBoolean().Should().BeTrue($"'{name}' can be scrolled into view inside the graph panel ({because})");
            node.GetProperty("inWindow").GetBoolean().Should().BeTrue($"'{name}' is then inside the window ({because})");
            node.GetProperty("toolbarInWindow").GetBoolean().Should().BeTrue($"the toolbar stays in view while '{name}' is shown ({because})");
            node.GetProperty("covered").GetBoolean().Should().BeFalse($"the toolbar does not cover '{name}' ({because})");
        }
    }
}
