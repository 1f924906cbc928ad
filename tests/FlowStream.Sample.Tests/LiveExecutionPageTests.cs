using FlowStream.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using FlowStream.Testing;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>The sample page in a real Chromium: each node's state is observed live, as the user would see it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveExecutionPageTests(BrowserFixture fixture)
{
    private const float Timeout = 30_000;

    private static readonly string[] SequentialNodes = ["Start", "Fetch order", "Enrich", "Check stock", "Confirm"];

    [Fact]
    public async Task SequentialFlow_EachNodeRunsBeforeItSucceedsAndTheNextWaitsForIt()
    {
        await using var server = await SampleServer.StartAsync();
        var page = await OpenAsync(server, "sequential");

        await page.ClickAsync("#run");
        await page.Locator(".node[data-node-name='Check stock'][data-status='running']").WaitForAsync(new() { Timeout = Timeout });
        await SaveScreenshotAsync(page, "sequential-mid-run.png");
        await page.Locator("body[data-execution-status='success']").WaitForAsync(new() { Timeout = Timeout });

        var transitions = await TransitionsAsync(page);
        for (var k = 0; k < SequentialNodes.Length; k++)
        {
            var running = First(transitions, SequentialNodes[k], "running");
            var success = First(transitions, SequentialNodes[k], "success");
            running.Should().BeGreaterThan(0, $"'{SequentialNodes[k]}' was seen running");
            success.Should().BeGreaterThan(running, $"'{SequentialNodes[k]}' was seen running before it was seen done");
            if (k + 1 < SequentialNodes.Length)
            {
                First(transitions, SequentialNodes[k + 1], "running").Should().BeGreaterThan(success, $"'{SequentialNodes[k + 1]}' never runs before '{SequentialNodes[k]}' is done");
            }
        }

        (await page.Locator(".node[data-status='success']").CountAsync()).Should().Be(5);
        (await page.TextContentAsync("#percent")).Should().Be("100%");
        await SaveScreenshotAsync(page, "sequential-finished.png");
    }

    [Fact]
    public async Task FailingFlow_ShowsTheCrossAndTheErrorOnTheFailingNodeAndItsDependantsNeverRun()
    {
        await using var server = await SampleServer.StartAsync();
        var page = await OpenAsync(server, "retry-and-fail");

        await page.ClickAsync("#run");
        await page.Locator("body[data-execution-status='error']").WaitForAsync(new() { Timeout = Timeout });

        var transitions = await TransitionsAsync(page);
        (await page.GetAttributeAsync(".node[data-node-name='Call flaky API']", "data-status")).Should().Be("success", "it failed twice, retried and succeeded");
        (await page.TextContentAsync(".node[data-node-name='Call flaky API'] .node-note")).Should().Contain("attempt 3");
        (await page.GetAttributeAsync(".node[data-node-name='Validate']", "data-status")).Should().Be("error");
        (await page.TextContentAsync(".node[data-node-name='Validate'] .node-error")).Should().Be("Order total must be positive");
        var cross = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector(\".node[data-node-name='Validate'] .icon\"), '::after').content");
        cross.Should().Contain("✗");
        First(transitions, "Ship", "running").Should().Be(-1, "a node after a failed one never runs");
        (await page.GetAttributeAsync(".node[data-node-name='Ship']", "data-status")).Should().Be("skipped");

        await page.ClickAsync(".node[data-node-name='Validate']");
        (await page.TextContentAsync("#details-body")).Should().Contain("Order total must be positive");
    }

    [Fact]
    public async Task ParallelFlow_AtLeastTwoNodesAreSeenRunningAtTheSameTime()
    {
        await using var server = await SampleServer.StartAsync();
        var page = await OpenAsync(server, "parallel");

        await page.ClickAsync("#run");
        await page.Locator("body[data-execution-status='success']").WaitForAsync(new() { Timeout = Timeout });

        var running = new HashSet<string>();
        var most = 0;
        foreach (var t in (await TransitionsAsync(page)).Where(t => t.Kind == "node"))
        {
            if (t.Value == "running")
            {
                running.Add(t.Name);
            }
            else
            {
                running.Remove(t.Name);
            }

            most = Math.Max(most, running.Count);
        }

        most.Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Cancel_WhileANodeWaits_EndsCanceledAndLaterNodesNeverRun()
    {
        // 'Fetch order' (a wait node) waits for the test, not for 700 ms of wall clock: the cancel click can never come too late.
        var fetchStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SampleServer.StartAsync(builder => builder.Services.AddFlowStream().AddNode("wait", async (context, cancellationToken) =>
        {
            if (context.Node.Name == "Fetch order")
            {
                fetchStarted.TrySetResult();
                await Task.Delay(System.Threading.Timeout.InfiniteTimeSpan, cancellationToken);
            }

            return NodeResult.Success(context.Input);
        }));
        var page = await OpenAsync(server, "sequential");

        await page.ClickAsync("#run");
        await fetchStarted.Task.WithTimeout("'Fetch order' to start");
        await page.Locator(".node[data-node-name='Fetch order'][data-status='running']").WaitForAsync(new() { Timeout = Timeout });
        await page.ClickAsync("#cancel");
        await page.Locator("body[data-execution-status='canceled']").WaitForAsync(new() { Timeout = Timeout });

        var transitions = await TransitionsAsync(page);
        (await page.GetAttributeAsync(".node[data-node-name='Fetch order']", "data-status")).Should().Be("canceled");
        foreach (var later in SequentialNodes[2..])
        {
            First(transitions, later, "running").Should().Be(-1, $"'{later}' comes after the canceled node");
            (await page.GetAttributeAsync($".node[data-node-name='{later}']", "data-status")).Should().Be("skipped");
        }
    }

    [Fact]
    public async Task ConnectionDrop_PageShowsReconnectingReattachesAndEndsComplete()
    {
        // The server cuts the first stream after 5 events (flushing every event, so the cut falls mid-run).
        await using var server = await SampleServer.StartAsync(
            builder => builder.Services.Configure<ExecutionStreamOptions>(o => o.MaxUnflushedBytes = 1),
            app => app.Use(new StreamCutter(c => c.Request.Path == "/executions/stream", afterEvents: 5, times: 1).Middleware));
        var page = await OpenAsync(server, "sequential");

        await page.ClickAsync("#run");
        await page.Locator("body[data-execution-status='success']").WaitForAsync(new() { Timeout = Timeout });

        var transitions = await TransitionsAsync(page);
        transitions.Should().Contain(t => t.Kind == "connection" && t.Value == "reconnecting", "the page shows that it is reconnecting");
        var reconnecting = transitions.First(t => t.Kind == "connection" && t.Value == "reconnecting").Seq;
        transitions.Should().Contain(t => t.Kind == "connection" && t.Value == "live" && t.Seq > reconnecting, "it re-attached");
        foreach (var name in SequentialNodes)
        {
            (await page.GetAttributeAsync($".node[data-node-name='{name}']", "data-status")).Should().Be("success");
        }

        var logged = await page.EvaluateAsync<long[]>("() => [...document.querySelectorAll('#log li')].map(li => Number(li.dataset.seq))");
        var execution = server.Engine.ListExecutions().Should().ContainSingle().Subject;
        var total = (await server.Engine.SubscribeAsync(execution.Id, 0, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken)).Count;
        logged.Should().Equal(Enumerable.Range(1, total).Select(i => (long)i), "each event is in the log exactly once, in order");
    }

    private async Task<IPage> OpenAsync(SampleServer server, string flowId)
    {
        var browser = fixture.RequireBrowser();
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 720 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(server.BaseUrl);
        await page.ClickAsync($"#flows button[data-flow-id='{flowId}']");
        await page.Locator("#run:not([disabled])").WaitForAsync();
        await PageTransitions.InstallAsync(page);
        return page;
    }

    private static Task<List<PageTransitions.Transition>> TransitionsAsync(IPage page) => PageTransitions.ReadAsync(page);

    private static int First(List<PageTransitions.Transition> transitions, string node, string status) => PageTransitions.First(transitions, node, status);

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(RepositoryPaths.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        await page.ScreenshotAsync(new() { Path = path });
        TestContext.Current.AddAttachment(name, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken), "image/png");
    }
}
