namespace FlowStream.Nodes.Gemini.Client;

/// <summary>
/// The time limit of one attempt, on the injected <see cref="TimeProvider"/>, linked with the caller's token. A stream
/// <see cref="Restart"/>s it for each chunk, so it limits the wait for the next chunk rather than the whole stream.
/// </summary>
internal sealed class AttemptTimeout : IDisposable
{
    private readonly CancellationTokenSource? _timer;
    private readonly CancellationTokenSource _linked;
    private readonly TimeSpan _timeout;

    public AttemptTimeout(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _timeout = timeout;
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            _timer = new CancellationTokenSource(timeout, timeProvider);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timer.Token);
        }
        else
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        }
    }

    public CancellationToken Token => _linked.Token;

    public TimeSpan Timeout => _timeout;

    /// <summary>Gets a value indicating whether the time limit (not the caller) cancelled the attempt.</summary>
    public bool TimedOut => _timer?.IsCancellationRequested == true;

    public void Restart()
    {
        if (_timer is not null && !_timer.IsCancellationRequested)
        {
            _timer.CancelAfter(_timeout);
        }
    }

    public void Dispose()
    {
        _linked.Dispose();
        _timer?.Dispose();
    }
}
