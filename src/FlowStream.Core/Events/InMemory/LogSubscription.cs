using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace FlowStream.Events;

/// <summary>A cursor over an <see cref="ExecutionEventLog"/>. Reads that find events complete synchronously; a reader with nothing to read parks without allocating.</summary>
internal sealed class LogSubscription : ExecutionEventSubscription, IValueTaskSource<bool>
{
    private const int Idle = 0;
    private const int Parked = 1;
    private const int Woken = 2;

    private readonly ExecutionEventLog _log;
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationToken _waitToken;
    private int _state;
    private int _disposed;

    public LogSubscription(ExecutionEventLog log, long afterSequence)
    {
        _log = log;
        Next = afterSequence + 1;
    }

    public override long ExecutionId => _log.ExecutionId;

    public override long Position => Next - 1;

    /// <summary>Gets or sets the next sequence number to read (changed under the log's lock).</summary>
    internal long Next { get; set; }

    /// <summary>Gets or sets a value indicating whether the reader is counted as lagging (changed under the log's lock).</summary>
    internal bool Lagging { get; set; }

    public override ValueTask<ReadOnlyMemory<ExecutionEvent>> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<ReadOnlyMemory<ExecutionEvent>>(cancellationToken);
        }

        try
        {
            if (_log.TryRead(this, out var batch))
            {
                return new ValueTask<ReadOnlyMemory<ExecutionEvent>>(batch);
            }
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<ReadOnlyMemory<ExecutionEvent>>(ex);
        }

        return WaitThenReadAsync(cancellationToken);
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _log.Close(this);
            if (Interlocked.CompareExchange(ref _state, Woken, Parked) == Parked)
            {
                _core.SetException(new ObjectDisposedException(nameof(ExecutionEventSubscription)));
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Called by the log under its lock before it lists this subscription as a waiter.</summary>
    internal void Park()
    {
        _core.Reset();
        Volatile.Write(ref _state, Parked);
    }

    /// <summary>Called by the log when an event arrives.</summary>
    internal void Wake()
    {
        if (Interlocked.CompareExchange(ref _state, Woken, Parked) == Parked)
        {
            _core.SetResult(true);
        }
    }

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    bool IValueTaskSource<bool>.GetResult(short token) => _core.GetResult(token);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<ExecutionEvent>> WaitThenReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            _waitToken = cancellationToken;
            var registration = cancellationToken.CanBeCanceled
                ? cancellationToken.UnsafeRegister(static s => ((LogSubscription)s!).CancelWait(), this)
                : default;
            try
            {
                await new ValueTask<bool>(this, _core.Version).ConfigureAwait(false);
            }
            finally
            {
                await registration.DisposeAsync().ConfigureAwait(false);
            }

            Volatile.Write(ref _state, Idle);
            if (_log.TryRead(this, out var batch))
            {
                return batch;
            }
        }
    }

    private void CancelWait()
    {
        if (Interlocked.CompareExchange(ref _state, Woken, Parked) == Parked)
        {
            _log.Unpark(this);
            _core.SetException(new OperationCanceledException(_waitToken));
        }
    }
}
