using System.Text.Json;

namespace FlowStream.Engine;

/// <summary>The directory of a host that shares nothing: this host's engine.</summary>
internal sealed class LocalExecutionDirectory(IWorkflowEngine engine) : IExecutionDirectory
{
    public ValueTask<ExecutionInfo?> FindAsync(long executionId, CancellationToken cancellationToken = default)
        => new(engine.TryGetExecution(executionId, out var execution) ? ExecutionInfo.FromLocal(execution) : null);

    public ValueTask<bool> ControlAsync(long executionId, ExecutionCommand command, CancellationToken cancellationToken = default)
        => new(engine.TryGetExecution(executionId, out var execution) && Apply(execution, command));

    public ValueTask<JsonElement?> GetNodeOutputAsync(long executionId, string nodeName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodeName);
        return new(engine.TryGetExecution(executionId, out var execution) && execution.TryGetNodeOutput(nodeName, out var output) ? output : null);
    }

    /// <summary>Applies a command to a local execution.</summary>
    public static bool Apply(WorkflowExecution execution, ExecutionCommand command) => command switch
    {
        ExecutionCommand.Cancel => execution.Cancel(),
        ExecutionCommand.Pause => execution.Pause(),
        ExecutionCommand.Resume => execution.Resume(),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Unknown command."),
    };
}
