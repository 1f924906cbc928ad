using System.Text.Json;

namespace FlowStream;

/// <summary>
/// Finds and controls executions wherever they run. <c>AddFlowStream()</c> registers one over this host's
/// <see cref="IWorkflowEngine"/>; a backplane such as FlowStream.Redis replaces it so every host that shares the backplane
/// sees, reads and controls the executions of all of them. The HTTP endpoints of FlowStream.AspNetCore go through it.
/// </summary>
public interface IExecutionDirectory
{
    /// <summary>Finds a running or retained execution.</summary>
    /// <param name="executionId">The execution id.</param>
    /// <param name="cancellationToken">Stops the lookup.</param>
    /// <returns>What is known of the execution, or <see langword="null"/> when no host knows it (never started, or evicted).</returns>
    /// <exception cref="ExecutionStoreUnavailableException">The shared store cannot be reached.</exception>
    ValueTask<ExecutionInfo?> FindAsync(long executionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels, pauses or resumes an execution on the host that runs it, and returns once that host has applied the command.
    /// </summary>
    /// <param name="executionId">The execution id.</param>
    /// <param name="command">What to do.</param>
    /// <param name="cancellationToken">Stops waiting for the answer (the command may still be applied).</param>
    /// <returns><see langword="true"/> when the command was applied (or already in effect); <see langword="false"/> when the
    /// execution has finished or is unknown.</returns>
    /// <exception cref="ExecutionStoreUnavailableException">The host that runs the execution, or the shared store, did not answer.</exception>
    ValueTask<bool> ControlAsync(long executionId, ExecutionCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits until every host that shares this directory can find an execution this host just started, so that a client given
    /// its id may come back through any of them (behind a load balancer, at once). The HTTP start endpoints of
    /// FlowStream.AspNetCore call it before the id goes out. The local directory completes at once; a backplane waits for the
    /// execution's first events to reach the shared store, within a bound of its own (FlowStream.Redis:
    /// <c>FlowStreamRedisOptions.ControlTimeout</c>). When the store cannot take them in time it completes anyway: the execution
    /// runs here regardless, and the other hosts find it once its events arrive. A decorator of a directory must forward it: the
    /// default implementation completes at once.
    /// </summary>
    /// <param name="executionId">An execution started on this host.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the execution is visible everywhere, or the bound has passed.</returns>
    ValueTask WaitUntilVisibleAsync(long executionId, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>Gets a finished node's whole output (also when its event carried only <c>dataTruncated</c>).</summary>
    /// <param name="executionId">The execution id.</param>
    /// <param name="nodeName">The node.</param>
    /// <param name="cancellationToken">Stops the lookup.</param>
    /// <returns>The output, or <see langword="null"/> when the execution or the node is unknown or the node has no output.</returns>
    /// <exception cref="ExecutionStoreUnavailableException">The shared store cannot be reached.</exception>
    ValueTask<JsonElement?> GetNodeOutputAsync(long executionId, string nodeName, CancellationToken cancellationToken = default);
}

/// <summary>A command for a running execution (see <see cref="IExecutionDirectory.ControlAsync"/>).</summary>
public enum ExecutionCommand
{
    /// <summary>Cancel it: running nodes' tokens fire, nothing new starts, it finishes <c>canceled</c>.</summary>
    Cancel,

    /// <summary>Pause it: no node starts until it is resumed.</summary>
    Pause,

    /// <summary>Resume it after a pause.</summary>
    Resume,
}
