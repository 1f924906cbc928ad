using System.Text.Json;

namespace FlowStream.Tests.Infrastructure;

/// <summary>Runs a workflow through the engine and reads its events (shared by the branching and built-in node tests).</summary>
internal static class RunHelpers
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<List<ExecutionEvent>> RunAsync(this TestEngine host, WorkflowDefinition workflow, string inputJson = "{}")
        => await host.Engine.RunWithEventsAsync(workflow, ExecutionEventTestExtensions.Json(inputJson), Ct).ToListAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);

    /// <summary>The data of the node's only <c>nodeExecutionAfter</c>.</summary>
    public static JsonElement After(this IReadOnlyList<ExecutionEvent> events, string nodeName)
        => events.Single(e => e.Is(ExecutionEventTypes.NodeExecutionAfter, nodeName)).Data;

    /// <summary>The node's output in its <c>nodeExecutionAfter</c>, as compact JSON.</summary>
    public static string OutputOf(this IReadOnlyList<ExecutionEvent> events, string nodeName)
        => events.After(nodeName).GetProperty("data").GetRawText();

    /// <summary>The <c>output</c> its <c>nodeExecutionAfter</c> names: <c>main</c> when it names none.</summary>
    public static string LeftBy(this IReadOnlyList<ExecutionEvent> events, string nodeName)
        => events.After(nodeName).TryGetProperty("output", out var output) ? output.GetString()! : NodeOutputs.Main;

    public static string? StatusOf(this IReadOnlyList<ExecutionEvent> events, string nodeName) => events.After(nodeName).GetProperty("status").GetString();

    public static string? ErrorOf(this IReadOnlyList<ExecutionEvent> events, string nodeName)
        => events.After(nodeName).TryGetProperty("error", out var error) ? error.GetProperty("message").GetString() : null;

    public static string FinishedStatus(this IReadOnlyList<ExecutionEvent> events)
    {
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        return events[^1].Data.GetProperty("status").GetString()!;
    }
}
