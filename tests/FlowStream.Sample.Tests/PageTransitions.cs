using System.Text.Json;
using Microsoft.Playwright;

namespace FlowStream.Sample.Tests;

/// <summary>
/// Records, in the page, every change of a node's <c>data-status</c> and of the connection state, in order
/// (<c>window.__transitions</c>), so a test can check afterwards what the user saw and in which order.
/// </summary>
internal static class PageTransitions
{
    /// <summary>Records every change of a node's data-status and of the connection state, in order, in window.__transitions.</summary>
    public const string InstallObserver = """
        () => {
          window.__transitions = [];
          let seq = 0;
          const watch = (t, attribute) => (attribute === 'data-status' && t.dataset.nodeName) ? ['node', t.dataset.nodeName]
            : (attribute === 'data-state' && t.id === 'connection') ? ['connection', 'connection'] : null;
          new MutationObserver((mutations) => {
            // A batch can hold several changes of one attribute: each record's new value is the next record's old value
            // (or the current value for the last one), so no intermediate state is lost.
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

    public static Task InstallAsync(IPage page) => page.EvaluateAsync(InstallObserver);

    public static async Task<List<Transition>> ReadAsync(IPage page)
    {
        var json = await page.EvaluateAsync<string>("() => JSON.stringify(window.__transitions)");
        return JsonSerializer.Deserialize<List<Transition>>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    /// <summary>The sequence number of the first time <paramref name="node"/> showed <paramref name="status"/>; -1 if never.</summary>
    public static int First(List<Transition> transitions, string node, string status)
        => transitions.FirstOrDefault(t => t.Kind == "node" && t.Name == node && t.Value == status)?.Seq ?? -1;

    internal sealed record Transition(int Seq, string Kind, string Name, string Value);
}
