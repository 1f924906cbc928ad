using System.Text.Json;

namespace FlowStream.Testing;

/// <summary>Subscribes to an execution in the background and lets a test await particular events (shared by the test projects as a linked file).</summary>
internal sealed class EventRecorder
{
    private readonly Lock _lock = new();
    private readonly List<ExecutionEvent> _events = [];
    private readonly List<(Func<ExecutionEvent, bool> Match, TaskCompletionSource<ExecutionEvent> Done)> _waiters = [];

    public EventRecorder(IWorkflowEngine engine, long executionId)
        => Completion = Task.Run(() => ReadAsync(engine, executionId));

    /// <summary>Gets a task that completes with every event once executionFinished has been read.</summary>
    public Task<IReadOnlyList<ExecutionEvent>> Completion { get; }

    public static EventRecorder Start(IWorkflowEngine engine, long executionId) => new(engine, executionId);

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
            if (found.Type is not null)
            {
                return Task.FromResult(found);
            }

            var done = new TaskCompletionSource<ExecutionEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        }
    }

    public Task<ExecutionEvent> WaitForAsync(string type, string? nodeName = null)
        => WaitForAsync(e => e.Type == type && (nodeName is null || e.NodeName() == nodeName));

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

internal static class ExecutionEventTestExtensions
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

    public static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
