namespace FlowStream.Nodes.Gemini.Tests.Infrastructure;

/// <summary>Subscribes to an execution in the background and lets a test await particular events while it runs.</summary>
internal sealed class EventRecorder
{
    private readonly Lock _lock = new();
    private readonly List<ExecutionEvent> _events = [];
    private readonly List<(Func<ExecutionEvent, bool> Match, TaskCompletionSource<ExecutionEvent> Done)> _waiters = [];

    public EventRecorder(IWorkflowEngine engine, long executionId)
        => Completion = Task.Run(() => ReadAsync(engine, executionId));

    /// <summary>Gets a task that completes with every event once executionFinished has been read.</summary>
    public Task<IReadOnlyList<ExecutionEvent>> Completion { get; }

    public IReadOnlyList<ExecutionEvent> Snapshot()
    {
        lock (_lock)
        {
            return [.. _events];
        }
    }

    public Task<ExecutionEvent> WaitForAsync(Func<ExecutionEvent, bool> match)
    {
        lock (_lock)
        {
            var found = _events.FirstOrDefault(match);
            if (found is not null)
            {
                return Task.FromResult(found);
            }

            var done = new TaskCompletionSource<ExecutionEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        }
    }

    private async Task<IReadOnlyList<ExecutionEvent>> ReadAsync(IWorkflowEngine engine, long executionId)
    {
        await foreach (var e in engine.SubscribeAsync(executionId, 0, TestContext.Current.CancellationToken))
        {
            lock (_lock)
            {
                _events.Add(e);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Match(e))
                    {
                        _waiters[i].Done.TrySetResult(e);
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }

        return Snapshot();
    }
}
