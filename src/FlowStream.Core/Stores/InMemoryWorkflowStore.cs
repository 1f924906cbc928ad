using System.Collections.Concurrent;

namespace FlowStream;

/// <summary>A thread-safe <see cref="IWorkflowStore"/> held in memory. Workflows are validated when they are started, not when added.</summary>
public sealed class InMemoryWorkflowStore : IWorkflowStore
{
    private readonly ConcurrentDictionary<string, WorkflowDefinition> _workflows = new(StringComparer.Ordinal);

    /// <summary>Initializes a new store holding <paramref name="workflows"/>.</summary>
    /// <param name="workflows">The initial workflows; a later one replaces an earlier one with the same id.</param>
    public InMemoryWorkflowStore(IEnumerable<WorkflowDefinition>? workflows = null)
    {
        foreach (var workflow in workflows ?? [])
        {
            Set(workflow);
        }
    }

    /// <summary>Adds a workflow, or replaces the one with the same id.</summary>
    /// <param name="workflow">The workflow; its <see cref="WorkflowDefinition.Id"/> must not be empty.</param>
    public void Set(WorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentException.ThrowIfNullOrWhiteSpace(workflow.Id, nameof(workflow));
        _workflows[workflow.Id] = workflow;
    }

    /// <summary>Removes a workflow.</summary>
    /// <param name="flowId">The workflow id.</param>
    /// <returns><see langword="true"/> if it was there.</returns>
    public bool Remove(string flowId) => _workflows.TryRemove(flowId, out _);

    /// <inheritdoc />
    public ValueTask<WorkflowDefinition?> GetAsync(string flowId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(flowId);
        return new(_workflows.GetValueOrDefault(flowId));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WorkflowDefinition>> ListAsync(CancellationToken cancellationToken = default)
        => new([.. _workflows.Values.OrderBy(w => w.Id, StringComparer.Ordinal)]);
}
