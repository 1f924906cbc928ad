using Microsoft.Extensions.Time.Testing;

namespace FlowStream.Tests.Infrastructure;

/// <summary>
/// Forwards to a <see cref="FakeTimeProvider"/> and counts the timers created through it, so a test can wait until a node
/// has actually started its delay (Task.Delay, a timeout) before it advances the fake clock — no race, no sleep.
/// </summary>
internal sealed class ObservableTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<(int Target, TaskCompletionSource Done)> _waiters = [];
    private int _created;

    public int TimersCreated
    {
        get
        {
            lock (_lock)
            {
                return _created;
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = inner.CreateTimer(callback, state, dueTime, period);
        lock (_lock)
        {
            _created++;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Target <= _created)
                {
                    _waiters[i].Done.TrySetResult();
                    _waiters.RemoveAt(i);
                }
            }
        }

        return timer;
    }

    /// <summary>Completes once <paramref name="total"/> timers have been created in all.</summary>
    public Task WaitForTimersAsync(int total, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_created >= total)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((total, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }
}
