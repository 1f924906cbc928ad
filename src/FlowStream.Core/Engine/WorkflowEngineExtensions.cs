using System.Text.Json;

namespace FlowStream;

/// <summary>Conveniences over <see cref="IWorkflowEngine"/>.</summary>
public static class WorkflowEngineExtensions
{
    /// <summary>Starts a workflow with the given input data and yields all its events (see <see cref="IWorkflowEngine.RunWithEventsAsync"/>).</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="workflow">The workflow.</param>
    /// <param name="inputData">The execution's input data.</param>
    /// <param name="cancellationToken">Cancels the execution; the enumeration still ends with <c>executionFinished</c>.</param>
    /// <returns>The events, in sequence order.</returns>
    public static IAsyncEnumerable<ExecutionEvent> RunWithEventsAsync(this IWorkflowEngine engine, WorkflowDefinition workflow, JsonElement inputData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.RunWithEventsAsync(workflow, new ExecutionRequest { InputData = inputData }, cancellationToken);
    }
}
