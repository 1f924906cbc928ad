using Microsoft.Extensions.Time.Testing;

namespace FlowStream.Nodes.Gemini.Tests.Infrastructure;

/// <summary>
/// Forwards to a <see cref="FakeTimeProvider"/> and records the due time of every timer created through it, so a test can wait
/// until a retry wait or a timeout has actually started — and see how long it is — before it advances the fake clock. No sleeps.
/// </summary>
internal sealed class RecordingTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _timers = [];
    private readonly List<(Func<TimeSpan, bool> Match, int From, TaskCompletionSource<(int Index, TimeSpan Due)> Done)> _waiters = [];
    private int _cursor;

    public FakeTimeProvider Fake => inner;

    public IReadOnlyList<TimeSpan> Timers
    {
        get
        {
            lock (_lock)
            {
                return [.. _timers];
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
            _timers.Add(dueTime);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                var (match, from, done) = _waiters[i];
                if (_timers.Count - 1 >= from && match(dueTime))
                {
                    done.TrySetResult((_timers.Count - 1, dueTime));
                    _waiters.RemoveAt(i);
                }
            }
        }

        return timer;
    }

    /// <summary>
    /// Completes with the due time of the first timer matching <paramref name="match"/> created after the one the previous call
    /// returned (or created already). Each call moves on, so repeated waits of the same length are seen one by one.
    /// </summary>
    public async Task<TimeSpan> NextTimerAsync(Func<TimeSpan, bool> match)
    {
        Task<(int Index, TimeSpan Due)> found;
        lock (_lock)
        {
            var index = _timers.FindIndex(_cursor, t => match(t));
            if (index >= 0)
            {
                found = Task.FromResult((index, _timers[index]));
            }
            else
            {
                var done = new TaskCompletionSource<(int, TimeSpan)>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((match, _cursor, done));
                found = done.Task;
            }
        }

        // A safety net only: a test that expects a timer which never comes fails here instead of hanging.
        var (at, due) = await found.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        lock (_lock)
        {
            _cursor = Math.Max(_cursor, at + 1);
        }

        return due;
    }

    /// <summary>Waits for the next timer from <paramref name="min"/> to <paramref name="max"/> long (a retry wait with its jitter).</summary>
    public Task<TimeSpan> NextTimerAsync(TimeSpan min, TimeSpan max) => NextTimerAsync(t => t >= min && t <= max);

    /// <summary>Waits for the next timer of exactly <paramref name="due"/>, then advances the clock by it.</summary>
    public async Task AdvanceWhenTimerAsync(TimeSpan due)
    {
        await NextTimerAsync(t => t == due);
        inner.Advance(due);
    }

    public void Advance(TimeSpan by) => inner.Advance(by);
}
