namespace FlowStream;

/// <summary>Finds workflows by id (the <c>flowId</c> of an HTTP request). Register one with <see cref="FlowStreamBuilder"/>'s store methods or your own.</summary>
public interface IWorkflowStore
{
    /// <summary>Gets a workflow by id.</summary>
    /// <param name="flowId">The workflow id.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The workflow, or <see langword="null"/> when the store has none with that id.</returns>
    ValueTask<WorkflowDefinition?> GetAsync(string flowId, CancellationToken cancellationToken = default);

    /// <summary>Lists the workflows of the store, in the store's order (file-name order for <see cref="DirectoryWorkflowStore"/>, id order for <see cref="InMemoryWorkflowStore"/>).</summary>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The workflows.</returns>
    ValueTask<IReadOnlyList<WorkflowDefinition>> ListAsync(CancellationToken cancellationToken = default);
}
