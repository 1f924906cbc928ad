using System.Text.Json;
using FlowStream.Testing;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>
/// The sample's branching flows in a real Chromium (<c>order-approval</c>, <c>http-demo</c>, <c>subflow</c>): each node's state observed
/// live, the branch not taken greyed out as skipped, the edge taken lit.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BranchingFlowPageTests(BrowserFixture fixture)
{
    private const float Timeout = 30_000;

    /// <summary>Records every change of a node's data-status, in order, in window.__transitions.</summary>
    private const string InstallObserver = """
        () => {
          window.__transitions = [];
          let seq = 0;
          new MutationObserver((mutations) => {
            mutations.forEach((m, i) => {
              if (m.attributeName !== 'data-status' || !m.target.dataset.nodeName) return;
              const later = mutations.slice(i + 1).find(n => n.target === m.target && n.attributeName === m.attributeName);
              const value = later ? later.oldValue : m.target.getAttribute(m.attributeName);
              window.__transitions.push({ seq: ++seq, name: m.target.dataset.nodeName, value });
            });
          }).observe(document.body, { attributes: true, attributeOldValue: true, subtree: true, attributeFilter: ['data-status'] });
        }
        """;

    [Fact]
    public async Task OrderApproval_TakesTheApprovalBranch_SkipsTheAutomaticOne_AndMerges()
    {
        await using var server = await SampleServer.StartAsync();
        var page = await OpenAsync(server, "order-approval");

        await page.ClickAsync("#run");
        await page.Locator(".node[data-node-name='Ask manager'][data-status='running']").WaitForAsync(new() { Timeout = Timeout });
        await page.Locator("body[data-execution-status='success']").WaitForAsync(new() { Timeout = Timeout });

        var transitions = await TransitionsAsync(page);
        Seen(transitions, "Over 100?", "success").Should().BeLessThan(Seen(transitions, "Ask manager", "running"));
        Seen(transitions, "Auto approve", "skipped").Should().BePositive("the automatic branch is greyed out as skipped");
        Seen(transitions, "Auto approve", "running").Should().Be(-1, "the branch not taken never runs");
        Seen(transitions, "Join", "running").Should().BeGreaterThan(Seen(transitions, "Manager approved", "success"));
        (await page.GetAttributeAsync(".node[data-node-name='Confirm']", "data-status")).Should().Be("success");
        (await page.Locator("#edges path.taken[data-from='Over 100?'][data-output='true']").CountAsync()).Should().Be(1);
        (await page.Locator("#edges path.not-taken[data-from='Over 100?'][data-output='false']").CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task HttpDemo_CallsTheHost_AndRoutesTheFailureByTheErrorOutput()
    {
        await using var server = await SampleServer.StartAsync();
        var page = await OpenAsync(server, "http-demo");

        await page.ClickAsync("#run");
        await page.Locator(".node[data-node-name='Check stock'][data-status='running']").WaitForAsync(new() { Timeout = Timeout });
        await page.Locator("body[data-execution-status='success']").WaitForAsync(new() { Timeout = Timeout });

        var transitions = await TransitionsAsync(page);
        Seen(transitions, "Check stock", "success").Should().BePositive();
        Seen(transitions, "Reserve", "success").Should().BePositive();
        Seen(transitions, "Backorder", "skipped").Should().BePositive();
        Seen(transitions, "Stock alert", "skipped").Should().BePositive();
        Seen(transitions, "Ask supplier", "error").Should().BePositive("the supplier endpoint answers 503");
        Seen(transitions, "Use cached price", "running").Should().BeGreaterThan(Seen(transitions, "Ask supplier", "error"));
        Seen(transitions, "Supplier price", "skipped").Should().BePositive();
        (await page.Locator("#edges path.taken[data-from='Ask supplier'][data-output='error']").CountAsync()).Should().Be(1);
    }

    [Fact]
    public async Task Subflow_ShowsTheChildExecution_AndItsResult()
    {
        await using var server = await SampleServer.StartAsync();
        var page = await OpenAsync(server, "subflow");

        await page.ClickAsync("#run");
        await page.Locator(".node[data-node-name='Run order approval'] .node-note:has-text('as execution')").WaitForAsync(new() { Timeout = Timeout });
        await page.Locator("body[data-execution-status='success']").WaitForAsync(new() { Timeout = Timeout });

        var transitions = await TransitionsAsync(page);
        Seen(transitions, "Done", "running").Should().BeGreaterThan(Seen(transitions, "Run order approval", "success"));
        var child = server.Engine.ListExecutions().Single(e => e.Workflow.Id == "order-approval");
        child.Mode.Should().Be("child");
        child.Status.Should().Be(ExecutionStatus.Success);
        child.GetNodeStates().Single(s => s.Name == "Auto approve").Status.Should().Be(NodeExecutionStatus.Success, "the sub-workflow gets a total of 40");
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
        await page.EvaluateAsync(InstallObserver);
        return page;
    }

    private static async Task<List<Transition>> TransitionsAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("() => JSON.stringify(window.__transitions)");
        return JsonSerializer.Deserialize<List<Transition>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    private static int Seen(List<Transition> transitions, string node, string status)
        => transitions.FirstOrDefault(t => t.Name == node && t.Value == status)?.Seq ?? -1;

    private sealed record Transition(int Seq, string Name, string Value);
}
