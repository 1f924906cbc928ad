using System.Diagnostics;
using FlowStream.Redis.Tests.Infrastructure;
using FlowStream.Sample.Tests.ScaleOut;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FlowStream.Sample.Tests;

/// <summary>
/// The sample page behind a round-robin reverse proxy in front of two sample hosts that share one Redis (issue 12): the page
/// streams a run while the proxy alternates hosts and one host goes away, and ends with the right final state.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScaleOutPageTests(BrowserFixture fixture)
{
    private const float Timeout = 30_000;

    private static readonly string[] SequentialNodes = ["Start", "Fetch order", "Enrich", "Check stock", "Confirm"];

    /// <summary>A flow whose third node waits 10 minutes: a host killed while it waits is killed mid-node, whenever that is.</summary>
    private const string LostHostFlow = """
        {
          "id": "lost-host",
          "name": "Long step",
          "nodes": [
            { "name": "Start", "type": "manualTrigger" },
            { "name": "Prepare", "type": "set", "parameters": { "values": { "ready": true } } },
            { "name": "Long step", "type": "wait", "parameters": { "ms": 600000 } },
            { "name": "Finish", "type": "set", "parameters": { "values": { "done": true } } }
          ],
          "connections": [
            { "from": "Start", "to": "Prepare" },
            { "from": "Prepare", "to": "Long step" },
            { "from": "Long step", "to": "Finish" }
          ]
        }
        """;

    /// <summary>
    /// The run goes on on the host that accepted it; the page's stream is moved to the other host (dropped at the proxy until it
    /// re-attaches there), that host is stopped, and the page re-attaches through the proxy on the host that runs the execution,
    /// with Last-Event-ID: every node ends checked, and the log holds each event exactly once, in order.
    /// </summary>
    [Fact]
    public async Task OtherHostStopped_WhileThePageStreamsThroughIt_PageResumesOnTheRunnerAndEndsComplete()
    {
        var browser = fixture.RequireBrowser();
        await using var redis = await RedisServer.StartAsync();
        var gates = new NodeGates();
        var args = RedisArgs(redis);
        await using var a = await SampleServer.StartAsync(builder => gates.InstallOn(builder, "a"), args: args);
        await using var b = await SampleServer.StartAsync(builder => gates.InstallOn(builder, "b"), args: args);
        await using var proxy = await RoundRobinProxy.StartAsync(("a", a.BaseUrl), ("b", b.BaseUrl));
        var page = await OpenAsync(browser, proxy, "sequential");

        await using var report = Report(proxy, page);
        await page.ClickAsync("#run");
        var (runnerName, executionId) = await gates["Fetch order"].Started.WithTimeout("'Fetch order' to start");
        var (runner, other, otherName) = runnerName == "a" ? (a, b, "b") : (b, a, "a");
        runner.Engine.TryGetExecution(executionId, out _).Should().BeTrue();
        other.Engine.TryGetExecution(executionId, out _).Should().BeFalse("an execution runs on the host that accepted it");
        var start = await proxy.WaitForAsync(r => r.Method == "POST" && r.Path == "/executions/stream", "the start request");
        start.Destination.Should().Be(runnerName, "the host that accepted the start runs the execution");
        await Expect(Node(page, "Fetch order")).ToHaveAttributeAsync("data-status", "running", new() { Timeout = Timeout });

        // The page reads the start request's own response, from the runner: move it to the other host.
        var stream = await MoveStreamAsync(proxy, start, otherName);
        stream.LastEventId.Should().BeGreaterThan(0, "the page re-attached after the events it had");

        // The rest of the run reaches the page through the other host, from Redis (the page shows "live" again with the first new event).
        gates["Fetch order"].Release();
        await Expect(Node(page, "Check stock")).ToHaveAttributeAsync("data-status", "running", new() { Timeout = Timeout });
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "live");
        (await gates["Check stock"].Started.WithTimeout("'Check stock' to start")).Host.Should().Be(runnerName);
        stream.Status.Should().Be(200);
        stream.Ended.Should().BeFalse();
        proxy.Requests.Where(r => r.IsStream && r.Number > stream.Number).Should().BeEmpty("the page still reads through the other host");
        var lastSeen = (await LoggedSequencesAsync(page))[^1];

        // Another client's request takes the runner's turn of the round robin, so the page's next request goes to the other host.
        using (var client = new HttpClient())
        {
            (await client.GetAsync(proxy.BaseUrl + "/api/flows", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        proxy.Requests[^1].Destination.Should().Be(runnerName);

        // Stop the other host: its stream ends at once (the execution runs elsewhere). The page re-attaches through the proxy, which
        // sends it to the stopped host first (502, a transient answer: the page tries again), then to the runner, after the last
        // event the page had.
        var stopping = Stopwatch.StartNew();
        await other.DisposeAsync();
        TestContext.Current.TestOutputHelper?.WriteLine($"The other host stopped in {stopping.ElapsedMilliseconds} ms.");
        stream.Ended.Should().BeTrue("the stopped host ended the page's stream");
        var resumed = await proxy.WaitForAsync(r => r.IsStream && r.Number > stream.Number && r.Destination == runnerName, "the page to re-attach on the remaining host");
        resumed.LastEventId.Should().Be(lastSeen, "the page resumes after the last event it had");

        gates["Check stock"].Release();
        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-execution-status", "success", new() { Timeout = Timeout });
        foreach (var name in SequentialNodes)
        {
            await Expect(Node(page, name)).ToHaveAttributeAsync("data-status", "success");
        }

        resumed.Status.Should().Be(200);
        proxy.Requests.Where(r => r.IsStream && r.Number > stream.Number && r.Number < resumed.Number).Should().ContainSingle("the proxy tried the stopped host once")
            .Which.Should().Match<ProxiedRequest>(r => r.Destination == otherName && r.Status == 502 && r.LastEventId == lastSeen);
        proxy.Requests.Where(r => r.IsStream && r.Number > resumed.Number).Should().BeEmpty("the page read the rest of the run from the runner");
        await Expect(page.Locator("#percent")).ToHaveTextAsync("100%");
        await Expect(page.Locator("#connection")).ToHaveAttributeAsync("data-state", "done");
        var transitions = await PageTransitions.ReadAsync(page);
        transitions.Count(t => t.Kind == "connection" && t.Value == "reconnecting").Should().BeGreaterThanOrEqualTo(2, "the page showed each re-attach");

        var total = await runner.Engine.SubscribeAsync(executionId, 0, TestContext.Current.CancellationToken).CountAsync(TestContext.Current.CancellationToken);
        (await LoggedSequencesAsync(page)).Should().Equal(Enumerable.Range(1, total).Select(i => (long)i), "each event is in the log exactly once, in order");
        await PageSession.SaveScreenshotAsync(page, "scale-out-other-host-stopped.png");
    }

    /// <summary>
    /// The host that runs the execution is stopped gracefully (as Ctrl+C or a rolling restart would) while the page streams through
    /// the other host. A stopping host cancels the executions it runs (MapExecutionStream's shutdown hook) and flushes their events
    /// to Redis before it lets go: the page, through the other host, ends canceled at once, with the waiting node canceled and the
    /// later ones skipped, not lost after the lease lapses.
    /// </summary>
    [Fact]
    public async Task RunnerStoppedGracefully_WhileThePageStreamsThroughTheOtherHost_PageEndsCanceled()
    {
        var browser = fixture.RequireBrowser();
        await using var redis = await RedisServer.StartAsync();
        var gates = new NodeGates();
        var args = RedisArgs(redis, leaseTimeout: "00:00:02");
        await using var a = await SampleServer.StartAsync(builder => gates.InstallOn(builder, "a"), args: args);
        await using var b = await SampleServer.StartAsync(builder => gates.InstallOn(builder, "b"), args: args);
        await using var proxy = await RoundRobinProxy.StartAsync(("a", a.BaseUrl), ("b", b.BaseUrl));
        var page = await OpenAsync(browser, proxy, "sequential");
        await using var report = Report(proxy, page);

        await page.ClickAsync("#run");
        var (runnerName, executionId) = await gates["Fetch order"].Started.WithTimeout("'Fetch order' to start");
        var (runner, other, otherName) = runnerName == "a" ? (a, b, "b") : (b, a, "a");
        await Expect(Node(page, "Fetch order")).ToHaveAttributeAsync("data-status", "running", new() { Timeout = Timeout });
        var start = await proxy.WaitForAsync(r => r.Method == "POST" && r.Path == "/executions/stream", "the start request");
        var stream = await MoveStreamAsync(proxy, start, otherName);
        runner.Engine.TryGetExecution(executionId, out var execution).Should().BeTrue();

        await runner.DisposeAsync();
        execution!.Status.Should().Be(ExecutionStatus.Canceled, "a stopping host cancels the executions it runs");

        await Expect(page.Locator("body")).ToHaveAttributeAsync("data-execution-status", "canceled", new() { Timeout = Timeout });
        await Expect(Node(page, "Start")).ToHaveAttributeAsync("data-status", "success");
        await Expect(Node(page, "Fetch order")).ToHaveAttributeAsync("data-status", "canceled");
        foreach (var later in SequentialNodes[2..])
        {
            await Expect(Node(page, later)).ToHaveAttributeAsync("data-status", "skipped");
        }

        var logged = await LoggedSequencesAsync(page);
        logged.Should().Equal(Enumerable.Range(1, logged.Length).Select(i => (long)i), "each event is in the log exactly once, in order");
        await Expect(page.Locator("#log li").Last).ToHaveAttributeAsync("data-type", "executionFinished");
        (await page.Locator("#log li[data-type='nodeExecutionAfter']").Last.Locator(".status").TextContentAsync()).Should().Be("canceled", "Fetch order's own event says canceled");
        proxy.Requests.Where(r => r.IsStream && r.Number > stream.Number).Should().BeEmpty("the end reached the page through the other host's open stream");
    }

    /// <summary>
    /// Both hosts are processes; the one that runs the execution is killed (SIGKILL) mid-node, as a crash would: nothing cancels
    /// the run, nothing is flushed, no lease is handed back. The page's stream dies with it; the page re-attaches through the proxy
    /// on the surviving host, which, once the lease (2 s here) has lapsed, ends the execution: the running node crossed with the
    /// lost-instance message, the nodes after it skipped, the run in error.
    /// </summary>
    [Fact]
    public async Task RunnerKilledMidNode_PageEndsWithTheNodeCrossedAndTheRunLostViaTheOtherHost()
    {
        var browser = fixture.RequireBrowser();
        await using var redis = await RedisServer.StartAsync();
        var flows = Directory.CreateTempSubdirectory("flowstream-lost-host-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(flows.FullName, "lost-host.json"), LostHostFlow, TestContext.Current.CancellationToken);
            string[] args = [.. RedisArgs(redis, leaseTimeout: "00:00:02"), $"--{SampleApp.FlowsDirectoryKey}={flows.FullName}"];
            await using var a = await SampleProcess.StartAsync(args);
            await using var b = await SampleProcess.StartAsync(args);
            await using var proxy = await RoundRobinProxy.StartAsync(("a", a.BaseUrl), ("b", b.BaseUrl));
            var page = await OpenAsync(browser, proxy, "lost-host");
            await using var report = Report(proxy, page, a, b);

            await page.ClickAsync("#run");
            await Expect(Node(page, "Long step")).ToHaveAttributeAsync("data-status", "running", new() { Timeout = Timeout });
            var start = await proxy.WaitForAsync(r => r.Method == "POST" && r.Path == "/executions/stream", "the start request");
            var (runner, survivor) = start.Destination == "a" ? (a, "b") : (b, "a");
            var lastSeen = (await LoggedSequencesAsync(page))[^1];

            // Another client's request takes the survivor's turn of the round robin, so the page's re-attach goes to the dead host first.
            using (var client = new HttpClient())
            {
                (await client.GetAsync(proxy.BaseUrl + "/api/flows", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
            }

            proxy.Requests[^1].Destination.Should().Be(survivor);
            await runner.KillAsync();

            await Expect(page.Locator("body")).ToHaveAttributeAsync("data-execution-status", "error", new() { Timeout = Timeout });
            await Expect(Node(page, "Start")).ToHaveAttributeAsync("data-status", "success");
            await Expect(Node(page, "Prepare")).ToHaveAttributeAsync("data-status", "success");
            await Expect(Node(page, "Long step")).ToHaveAttributeAsync("data-status", "error");
            await Expect(Node(page, "Long step").Locator(".node-error")).ToContainTextAsync("was lost");
            await Expect(Node(page, "Finish")).ToHaveAttributeAsync("data-status", "skipped");
            await Expect(page.Locator("#execution-status")).ToHaveTextAsync("error");
            var cross = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector(\".node[data-node-name='Long step'] .icon\"), '::after').content");
            cross.Should().Contain("✗");

            // The end came through the surviving host: the page re-attached there after the last event it had from the runner.
            // (The proxy tried the dead host first: 502, a transient answer, so the page tried again and reached the survivor.)
            proxy.Requests.Where(r => r.IsStream && r.Number > start.Number).Select(r => (r.Destination, r.Status, r.LastEventId))
                .Should().Equal([(start.Destination, 502, lastSeen), (survivor, 200, lastSeen)]);

            // Every event once, in order, the last one executionFinished with the lost-instance message.
            var logged = await LoggedSequencesAsync(page);
            logged.Should().Equal(Enumerable.Range(1, logged.Length).Select(i => (long)i), "each event is in the log exactly once, in order");
            var last = page.Locator("#log li").Last;
            await Expect(last).ToHaveAttributeAsync("data-type", "executionFinished");
            await last.Locator("summary").ClickAsync();
            var finished = last.Locator("pre");
            await Expect(finished).ToContainTextAsync("\"status\": \"error\"");
            await Expect(finished).ToContainTextAsync("was lost");
            await Expect(finished).ToContainTextAsync("LeaseTimeout 00:00:02");
            await PageSession.SaveScreenshotAsync(page, "scale-out-runner-killed.png");
        }
        finally
        {
            flows.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Drops the page's stream at the proxy, as a flaky network would, until the page has re-attached through <paramref name="host"/>
    /// (round robin: at most two drops). A re-attach is known by its arrival at the proxy: YARP passes a response's headers on only
    /// with its first body bytes, and an attach at the tail of a gated run has none to send until the next event (or keepalive).
    /// </summary>
    private static async Task<ProxiedRequest> MoveStreamAsync(RoundRobinProxy proxy, ProxiedRequest stream, string host)
    {
        for (var cut = 1; stream.Destination != host; cut++)
        {
            cut.Should().BeLessThanOrEqualTo(2, "round robin alternates the hosts");
            stream.Abort();
            var previous = stream.Number;
            stream = await proxy.WaitForAsync(r => r.IsStream && r.Number > previous, $"the page to re-attach after drop {cut}");
        }

        return stream;
    }

    private static string[] RedisArgs(RedisServer redis, string? leaseTimeout = null)
    {
        var prefix = $"flowstream-page-{Guid.NewGuid():N}:";
        return leaseTimeout is null
            ? [$"--FlowStream:Redis:Configuration={redis.Configuration}", $"--FlowStream:Redis:KeyPrefix={prefix}"]
            : [$"--FlowStream:Redis:Configuration={redis.Configuration}", $"--FlowStream:Redis:KeyPrefix={prefix}", $"--FlowStream:Redis:LeaseTimeout={leaseTimeout}"];
    }

    private static async Task<IPage> OpenAsync(IBrowser browser, RoundRobinProxy proxy, string flowId)
    {
        var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 720 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(Timeout);
        await page.GotoAsync(proxy.BaseUrl);
        await page.ClickAsync($"#flows button[data-flow-id='{flowId}']");
        await page.Locator("#run:not([disabled])").WaitForAsync();
        await PageTransitions.InstallAsync(page);
        return page;
    }

    /// <summary>At the end of the test, whatever its outcome: prints what the proxy forwarded (and what host processes printed), and closes the page.</summary>
    private static AsyncDisposable Report(RoundRobinProxy proxy, IPage page, params SampleProcess[] processes) => new(async () =>
    {
        foreach (var request in proxy.Requests)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(request.ToString());
        }

        foreach (var process in processes)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"--- {process.BaseUrl}:\n{process.Output}");
        }

        await page.Context.CloseAsync();
    });

    private sealed class AsyncDisposable(Func<Task> dispose) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await dispose();
    }

    private static ILocator Node(IPage page, string name) => page.Locator($".node[data-node-name='{name}']");

    private static Task<long[]> LoggedSequencesAsync(IPage page)
        => page.EvaluateAsync<long[]>("() => [...document.querySelectorAll('#log li')].map(li => Number(li.dataset.seq))");
}
