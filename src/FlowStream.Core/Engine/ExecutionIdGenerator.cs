namespace FlowStream.Engine;

/// <summary>
/// Execution ids: positive, at most 2^53 − 1 (exact in JavaScript), increasing, and unique across process restarts.
/// </summary>
/// <remarks>
/// An id is the number of milliseconds since 2024-01-01 UTC shifted left by 12 bits, plus a counter for ids made in the same
/// millisecond (4,096 per millisecond before it borrows from the next one). A restarted process starts from the clock, so its ids
/// are larger than those of the previous run unless that run made more than 4,096 ids per millisecond for a sustained time
/// or the clock went back. 41 bits of milliseconds last until the year 2093.
/// </remarks>
internal sealed class ExecutionIdGenerator(TimeProvider timeProvider) : IExecutionIdGenerator
{
    private const long MaxId = (1L << 53) - 1;
    private static readonly long s_epochMs = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private long _last;

    public long NextId()
    {
        var candidate = Math.Max(0, timeProvider.GetUtcNow().ToUnixTimeMilliseconds() - s_epochMs) << 12;
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var next = Math.Max(last + 1, candidate);
            if (next > MaxId)
            {
                throw new InvalidOperationException("Execution ids are exhausted (the clock is past the year 2093).");
            }

            if (Interlocked.CompareExchange(ref _last, next, last) == last)
            {
                return next;
            }
        }
    }
}
