using System.Text.Json;
using FlowStream;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// The console edition of the sample: it runs flows/sequential.json and prints each event the moment it is published.
// (The web page that draws the graph live arrives with FlowStream.AspNetCore.)
var services = new ServiceCollection()
    .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddFlowStream();
await using var provider = services.BuildServiceProvider();
var engine = provider.GetRequiredService<IWorkflowEngine>();

var flowPath = Path.Combine(AppContext.BaseDirectory, "flows", "sequential.json");
var workflow = WorkflowDefinition.FromJson(await File.ReadAllTextAsync(flowPath));
var input = JsonDocument.Parse("""{"customer": "Ada"}""").RootElement;

Console.WriteLine($"Running '{workflow.Name}' ({workflow.Nodes.Count} nodes). Events as they happen:");
await foreach (var e in engine.RunWithEventsAsync(workflow, input))
{
    var data = e.Data;
    var node = data.TryGetProperty("nodeName", out var name) ? name.GetString() : null;
    var line = e.Type switch
    {
        ExecutionEventTypes.NodeExecutionBefore => $"  {node} running...",
        ExecutionEventTypes.NodeExecutionAfter => $"  {node} {(data.GetProperty("status").GetString() == "success" ? "done ✓" : "failed ✗")} ({data.GetProperty("executionTimeMs").GetInt64()} ms, {data.GetProperty("progress").GetProperty("percent").GetInt32()}%)",
        ExecutionEventTypes.ExecutionFinished => $"Finished: {data.GetProperty("status").GetString()} in {data.GetProperty("executionTimeMs").GetInt64()} ms",
        _ => $"{e.Type}",
    };
    Console.WriteLine($"[{e.Sequence,2}] {line}");
}
