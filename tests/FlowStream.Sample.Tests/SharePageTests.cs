using System.Text.Json;
using FlowStream.AspNetCore;
using FlowStream.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>
/// The "Share" button: one page runs a flow and shares a watch-only link; a second browser context (no shared storage) opens
/// it and sees the same run live, without any control.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SharePageTests(BrowserFixture fixture)
{
    private const float Timeout = 30_000;

    /// <summary>Records every change of a node's data-status and of the connection state, in order, in window.__transitions.</summary>
    private const string InstallObserver = """
        () => {
          window.__transitions = [];
          let seq = 0;
          const watch = (t, attribute) => (attribute === 'data-status' && t.dataset.nodeName) ? ['node', t.dataset.nodeName]
            : (attribute === 'data-state' && t.id === 'connection') ? ['connection', 'connection'] : null;
          new MutationObserver((mutations) => {
            mutations.forEach((m, i) => {
              const what = watch(m.target, m.attributeName);
              if (!what) return;
              const later = mutations.slice(i + 1).find(n => n.target === m.target && n.attributeName === m.attributeName);
              const value = later ? later.oldValue : m.target.getAttribute(m.attributeName);
              window.__transitions.push({ seq: ++seq, kind: what[0], name: what[1], value });
            });
          }).observe(document.body, { attributes: true, attributeOldValue: true, subtree: true, attributeFilter: ['data-status', 'data-state'] });
        }
        """;

    private static readonly string[] SequentialNodes = ["Start", "Fetch order", "Enrich", "Check stock", "Confirm"];

    [Fact]
    public async Task ShareLink_SecondContextWatchesTheRunLiveReadOnly()
    {
        // 'Fetch order' (a wait node, the second of five) waits for the test: page 2 attaches while it runs, and every later
        // node can only turn success after the test lets it go.
        var fetchStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SampleServer.StartAsync(builder => builder.Services.AddFlowStream().AddNode("wait", async (context, cancellationToken) =>
        {
            if (context.Node.Name == "Fetch order")
            {
                fetchStarted.TrySetResult();
                await release.Task.WaitAsync(cancellationToken);
            }

            return NodeResult.Success(context.Input);
        }));
        var browser = fixture.RequireBrowser();

        try
        {
            // Page 1: the owner runs the flow and shares it, with the keyboard.
            var owner = await PageSession.OpenAsync(browser, server, 1400, 720, "sequential");
            (await owner.Locator("#share").IsDisabledAsync()).Should().BeTrue("there is no execution to share before a run");
            await owner.ClickAsync("#run");
            await fetchStarted.Task.WithTimeout("'Fetch order' to start");
            await owner.Locator(".node[data-node-name='Fetch order'][data-status='running']").WaitForAsync(new() { Timeout = Timeout });
            var shareButton = owner.GetByRole(AriaRole.Button, new() { Name = "Share", Exact = true });
            await shareButton.Locator(":scope:not([disabled])").WaitForAsync(new() { Timeout = Timeout });
            await shareButton.FocusAsync();
            await owner.Keyboard.PressAsync("Enter");
            var field = owner.GetByLabel("Watch-only link");
            await owner.WaitForFunctionAsync("() => document.querySelector('#share-link').value.includes('token=')", null, new() { Timeout = Timeout });
            (await field.IsVisibleAsync()).Should().BeTrue();
            (await field.IsEditableAsync()).Should().BeFalse("the link field is read-only");
            var link = await field.InputValueAsync();
            var execution = server.Engine.ListExecutions().Should().ContainSingle().Subject;
            var url = new Uri(link);
            url.GetLeftPart(UriPartial.Path).Should().Be(server.BaseUrl + "/");
            var query = System.Web.HttpUtility.ParseQueryString(url.Query);
            query["watch"].Should().Be(execution.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var token = query["token"];
            token.Should().NotBeNullOrEmpty();
            await PageSession.SaveScreenshotAsync(owner, "share-owner.png");

            // Page 2: a second browser context opens the link.
            await using var watcherContext = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 720 } });
            var watcher = await watcherContext.NewPageAsync();
            watcher.SetDefaultTimeout(Timeout);
            await watcher.GotoAsync(link);
            await watcher.Locator(".node[data-node-name='Fetch order'][data-status='running']").WaitForAsync(new() { Timeout = Timeout });
            await watcher.Locator("#connection[data-state='live']").WaitForAsync(new() { Timeout = Timeout });
            await watcher.EvaluateAsync(InstallObserver);

            (await watcher.Locator(".node").CountAsync()).Should().Be(SequentialNodes.Length);
            (await watcher.GetAttributeAsync(".node[data-node-name='Start']", "data-status")).Should().Be("success", "what happened before the link was opened is replayed");
            foreach (var later in SequentialNodes[2..])
            {
                (await watcher.GetAttributeAsync($".node[data-node-name='{later}']", "data-status")).Should().Be("idle");
            }

            (await watcher.Locator("#watching").IsVisibleAsync()).Should().BeTrue();
            (await watcher.TextContentAsync("#watching")).Should().Contain("Watching a shared run (read-only)");
            foreach (var name in new[] { "Run", "Cancel", "Pause", "Resume", "Share" })
            {
                (await watcher.GetByRole(AriaRole.Button, new() { Name = name, Exact = true }).CountAsync()).Should().Be(0, $"a watcher has no visible or accessible '{name}' button");
            }

            foreach (var id in new[] { "#run", "#cancel", "#pause", "#resume", "#share" })
            {
                (await watcher.Locator(id).IsVisibleAsync()).Should().BeFalse($"'{id}' is hidden for a watcher");
            }

            (await watcher.Locator("#flows button").CountAsync()).Should().Be(0, "a watcher selects nothing to run");
            (await watcher.Locator("#input").IsVisibleAsync()).Should().BeFalse();

            // The share token is read-only on the server too.
            var cancelStatus = await watcher.EvaluateAsync<int>(
                "async ([id, token]) => (await fetch(`/executions/${id}/cancel`, { method: 'POST', headers: { 'FlowStream-Token': token } })).status",
                new object[] { execution.Id, token! });
            cancelStatus.Should().Be(403);

            release.TrySetResult();
            await watcher.Locator("body[data-execution-status='success']").WaitForAsync(new() { Timeout = Timeout });
            await owner.Locator("body[data-execution-status='success']").WaitForAsync(new() { Timeout = Timeout });
            await PageSession.SaveScreenshotAsync(watcher, "share-watcher-finished.png");

            var transitions = await TransitionsAsync(watcher);
            var previousSuccess = 0;
            foreach (var name in SequentialNodes[1..])
            {
                var success = First(transitions, name, "success");
                success.Should().BeGreaterThan(previousSuccess, $"the watcher saw '{name}' turn success live, after the node before it");
                if (name != "Fetch order")
                {
                    First(transitions, name, "running").Should().BeInRange(previousSuccess + 1, success - 1, $"the watcher saw '{name}' running between its predecessor's success and its own");
                }

                previousSuccess = success;
            }

            foreach (var name in SequentialNodes)
            {
                (await watcher.GetAttributeAsync($".node[data-node-name='{name}']", "data-status")).Should().Be("success");
            }

            (await watcher.TextContentAsync("#percent")).Should().Be("100%");
            (await watcher.TextContentAsync("#execution-status")).Should().Be("success");
            transitions.Should().NotContain(t => t.Kind == "connection" && t.Value == "failed");
            (await watcher.Locator("#run").IsVisibleAsync()).Should().BeFalse("the controls stay hidden once the run is over");
        }
        finally
        {
            release.TrySetResult();
        }
    }

    private static async Task<List<Transition>> TransitionsAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("() => JSON.stringify(window.__transitions)");
        return JsonSerializer.Deserialize<List<Transition>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private static int First(List<Transition> transitions, string node, string status)
        => transitions.FirstOrDefault(t => t.Kind == "node" && t.Name == node && t.Value == status)?.Seq ?? -1;

    private sealed record Transition(int Seq, string Kind, string Name, string Value);
}
