using Microsoft.Extensions.Time.Testing;

namespace FlowStream.Testing;

/// <summary>
/// Forwards to a <see cref="FakeTimeProvider"/> and records the due time of every timer created through it (shared by the test
/// projects as a linked file), so a test can wait until a wait or a timeout has actually started, check its length, and only
/// then advance the fake clock — no race, no sleep. Every wait here is time-guarded: a timer that never comes fails the test.
/// </summary>
internal sealed class RecordingTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);
    private readonly Lock _lock = new();
    private readonly List<TimeSpan> _timers = [];
    private readonly List<(Func<TimeSpan, bool> Match, int From, TaskCompletionSource<(int Index, TimeSpan Due)> Done)> _waiters = [];
    private int _cursor;

    public RecordingTimeProvider()
        : this(new FakeTimeProvider())
    {
    }

    /// <summary>Gets the fake clock underneath.</summary>
    public FakeTimeProvider Fake => inner;

    /// <summary>Gets the due time of every timer created so far, in order.</summary>
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

    /// <summary>Gets how many timers have been created so far.</summary>
    public int TimersCreated
    {
        get
        {
            lock (_lock)
            {
                return _timers.Count;
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

    /// <summary>Completes once <paramref name="total"/> timers have been created in all (fails after a generous limit).</summary>
    public Task WaitForTimersAsync(int total, CancellationToken cancellationToken = default)
        => WaitForTimerCoreAsync(total - 1, cancellationToken);

    /// <summary>Completes with the due time of timer number <paramref name="index"/> (from 0) once it exists.</summary>
    public Task<TimeSpan> WaitForTimerAtAsync(int index) => WaitForTimerCoreAsync(index, CancellationToken.None);

    private async Task<TimeSpan> WaitForTimerCoreAsync(int index, CancellationToken cancellationToken)
    {
        if (index < 0)
        {
            return TimeSpan.Zero;
        }

        Task<(int Index, TimeSpan Due)> found;
        lock (_lock)
        {
            if (_timers.Count > index)
            {
                return _timers[index];
            }

            var done = new TaskCompletionSource<(int, TimeSpan)>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((_ => _timers.Count - 1 >= index, index, done));
            found = done.Task;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, TestContext.Current.CancellationToken);
        return (await Guard.WithTimeout(found.WaitAsync(linked.Token), $"timer #{index + 1} to be created", Limit)).Due;
    }

    /// <summary>
    /// Completes with the due time of the first timer matching <paramref name="match"/> created after the one the previous call
    /// returned (or created already). Each call moves on, so repeated waits of the same length are seen one by one.
    /// </summary>
    public async Task<TimeSpan> NextTimerAsync(Func<TimeSpan, bool> match, string what = "a matching timer")
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

        var (at, due) = await found.WithTimeout(what, Limit);
        lock (_lock)
        {
            _cursor = Math.Max(_cursor, at + 1);
        }

        return due;
    }

    /// <summary>Waits for the next timer from <paramref name="min"/> to <paramref name="max"/> long (a retry wait with its jitter).</summary>
    public Task<TimeSpan> NextTimerAsync(TimeSpan min, TimeSpan max) => NextTimerAsync(t => t >= min && t <= max, $"a timer of {min}..{max}");

    /// <summary>Waits for the next timer of exactly <paramref name="due"/>, then advances the clock by it.</summary>
    public async Task AdvanceWhenTimerAsync(TimeSpan due)
    {
        await NextTimerAsync(t => t == due, $"a timer of {due}");
        inner.Advance(due);
    }

    /// <summary>Advances the fake clock.</summary>
    public void Advance(TimeSpan by) => inner.Advance(by);
}
