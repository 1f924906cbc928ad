using System.Collections.Concurrent;

namespace FlowStream.Nodes.BuiltIn;

/// <summary>
/// How deeply executions started by <c>executeWorkflow</c> nest: a top-level execution is at depth 0, a child of it at 1, and so on.
/// The depth of a child is recorded under its id while it runs, and also flows (as an async local) into the work the engine starts
/// for it, so the child's own <c>executeWorkflow</c> nodes see it even before <see cref="IWorkflowEngine.Start"/> has returned its id.
/// </summary>
internal sealed class ExecutionNesting
{
    private static readonly AsyncLocal<int?> s_startingDepth = new();
    private readonly ConcurrentDictionary<long, int> _depths = new();

    public int DepthOf(long executionId) => _depths.TryGetValue(executionId, out var depth) ? depth : s_startingDepth.Value ?? 0;

    public WorkflowExecution StartChild(IWorkflowEngine engine, WorkflowDefinition workflow, ExecutionRequest request, int depth)
    {
        var previous = s_startingDepth.Value;
        s_startingDepth.Value = depth;
        WorkflowExecution child;
        try
        {
            child = engine.Start(workflow, request);
        }
        finally
        {
            s_startingDepth.Value = previous;
        }

        _depths[child.Id] = depth;
        _ = child.Completion.ContinueWith(
            static (_, state) =>
            {
                var (depths, id) = ((ConcurrentDictionary<long, int>, long))state!;
                depths.TryRemove(id, out int _);
            },
            (_depths, child.Id),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return child;
    }
}
