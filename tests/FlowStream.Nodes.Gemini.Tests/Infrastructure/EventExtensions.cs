using System.Text.Json;

namespace FlowStream.Nodes.Gemini.Tests.Infrastructure;

internal static class EventExtensions
{
    public static string? NodeName(this ExecutionEvent e)
        => e.Data.TryGetProperty("nodeName", out var name) ? name.GetString() : null;

    public static string? Status(this ExecutionEvent e)
        => e.Data.TryGetProperty("status", out var status) ? status.GetString() : null;

    public static string? ErrorMessage(this ExecutionEvent e)
        => e.Data.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object ? error.GetProperty("message").GetString() : null;

    public static bool Is(this ExecutionEvent e, string type, string? nodeName = null)
        => e.Type == type && (nodeName is null || e.NodeName() == nodeName);

    public static int IndexOf(this IReadOnlyList<ExecutionEvent> events, string type, string? nodeName = null)
    {
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Is(type, nodeName))
            {
                return i;
            }
        }

        return -1;
    }
}
