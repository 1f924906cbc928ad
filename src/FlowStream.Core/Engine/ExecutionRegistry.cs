using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using FlowStream.Diagnostics;

namespace FlowStream.Engine;

/// <summary>
/// Running and recently finished executions by id, with their quotas and their share of the retained-bytes budget.
/// Finished executions are evicted after <see cref="FlowStreamOptions.FinishedExecutionTimeToLive"/>, beyond
/// <see cref="FlowStreamOptions.MaxFinishedExecutions"/>, and while all executions together hold more than
/// <see cref="FlowStreamOptions.MaxRetainedBytes"/> (oldest first; running executions are never evicted).
/// </summary>
internal sealed class ExecutionRegistry
{
    private readonly ConcurrentDictionary<long, ExecutionRun> _executions = new();
    private readonly ConcurrentQueue<ExecutionRun> _finished = new();
    private readonly Dictionary<string, int> _runningByPartition = new(StringComparer.Ordinal);
    private readonly Lock _quotaLock = new();
    private readonly Lock _sweepLock = new();
    private readonly ExecutionEnvironment _env;
    private int _finishedCount;
    private int _running;
    private long _bytes;

    public ExecutionRegistry(ExecutionEnvironment environment) => _env = environment;

    /// <summary>Gets the bytes all retained executions hold (events and outputs).</summary>
    public long RetainedBytes => Volatile.Read(ref _bytes);

    public IEnumerable<ExecutionRun> All => _executions.Values;

    /// <summary>Counts a new execution against the host's and its partition's quota, or throws <see cref="ExecutionQuotaExceededException"/>.</summary>
    public void Reserve(string? partition)
    {
        var options = _env.Options;
        lock (_quotaLock)
        {
            if (_running >= options.MaxRunningExecutions)
            {
                throw new ExecutionQuotaExceededException("host", options.MaxRunningExecutions, TimeSpan.FromSeconds(1));
            }

            if (partition is not null)
            {
                _runningByPartition.TryGetValue(partition, out var count);
                if (count >= options.MaxRunningExecutionsPerOwner)
                {
                    throw new ExecutionQuotaExceededException("owner", options.MaxRunningExecutionsPerOwner, TimeSpan.FromSeconds(1));
                }

                _runningByPartition[partition] = count + 1;
            }

            _running++;
        }
    }

    public void Release(string? partition)
    {
        lock (_quotaLock)
        {
            _running--;
            if (partition is not null && _runningByPartition.TryGetValue(partition, out var count))
            {
                if (count <= 1)
                {
                    _runningByPartition.Remove(partition);
                }
                else
                {
                    _runningByPartition[partition] = count - 1;
                }
            }
        }
    }

    public void Add(ExecutionRun run) => _executions[run.ExecutionId] = run;

    public bool TryGet(long executionId, [NotNullWhen(true)] out ExecutionRun? run)
    {
        Sweep();
        return _executions.TryGetValue(executionId, out run);
    }

    /// <summary>Adds bytes an execution produced to the retained total, evicting finished executions when it is over budget.</summary>
    public void AddBytes(long bytes)
    {
        if (Interlocked.Add(ref _bytes, bytes) > _env.Options.MaxRetainedBytes)
        {
            Sweep();
        }
    }

    public void OnFinished(ExecutionRun run)
    {
        Release(run.Request.QuotaPartition ?? run.Request.OwnerId);
        Interlocked.Add(ref _bytes, run.State.OutputBytes);
        _finished.Enqueue(run);
        Interlocked.Increment(ref _finishedCount);
        Sweep();
    }

    /// <summary>
    /// Runs on the engine's sweep timer (every minute, or the time to live if shorter): fails executions running longer than
    /// <see cref="FlowStreamOptions.MaxExecutionDuration"/> (so the limit holds to within one sweep period, with no timer per
    /// execution), then evicts.
    /// </summary>
    public void OnTimer()
    {
        var limit = _env.Options.MaxExecutionDuration;
        if (limit != Timeout.InfiniteTimeSpan)
        {
            var now = _env.Time.GetUtcNow();
            foreach (var run in _executions.Values)
            {
                if (!run.Completion.IsCompleted && now - run.State.StartedAt >= limit)
                {
                    run.Abort($"The execution ran longer than {limit} (FlowStreamOptions.MaxExecutionDuration).");
                }
            }
        }

        Sweep();
    }

    /// <summary>Evicts finished executions past their time to live, beyond the configured count, and while over the byte budget.</summary>
    public void Sweep()
    {
        if (_finished.IsEmpty || !_sweepLock.TryEnter())
        {
            return;
        }

        try
        {
            var options = _env.Options;
            var now = _env.Time.GetUtcNow();
            while (_finished.TryPeek(out var oldest)
                && (Volatile.Read(ref _finishedCount) > options.MaxFinishedExecutions
                    || oldest.State.Status.FinishedAt + options.FinishedExecutionTimeToLive <= now
                    || Volatile.Read(ref _bytes) > options.MaxRetainedBytes))
            {
                _finished.TryDequeue(out _);
                Interlocked.Decrement(ref _finishedCount);
                Interlocked.Add(ref _bytes, -oldest.TotalBytes);
                _executions.TryRemove(oldest.ExecutionId, out _);
                _env.Events.Remove(oldest.ExecutionId);
                Log.ExecutionEvicted(_env.Logger, oldest.ExecutionId);
            }
        }
        finally
        {
            _sweepLock.Exit();
        }
    }
}
