namespace FlowStream.Testing;

/// <summary>
/// Time guards for every await on an execution, a server or a stream (shared by the test projects as a linked file): a
/// regression that stops something from finishing fails the test with a message naming what was awaited, instead of hanging
/// the run. The limit is generous (30 s by default) so a loaded CI machine never trips it; it is a safety net, not a timing
/// assertion.
/// </summary>
internal static class Guard
{
    /// <summary>The default limit: far above anything a passing test needs, even on 2 busy cores.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromSeconds(30);

    /// <summary>Awaits <paramref name="task"/>, failing with "timed out after … waiting for <paramref name="what"/>" past the limit.</summary>
    public static async Task WithTimeout(this Task task, string what, TimeSpan? limit = null)
    {
        var within = limit ?? DefaultLimit;
        try
        {
            await task.WaitAsync(within, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {within.TotalSeconds:0.#} s waiting for {what}.");
        }
    }

    /// <inheritdoc cref="WithTimeout(Task, string, TimeSpan?)"/>
    public static async Task<T> WithTimeout<T>(this Task<T> task, string what, TimeSpan? limit = null)
    {
        var within = limit ?? DefaultLimit;
        try
        {
            return await task.WaitAsync(within, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Timed out after {within.TotalSeconds:0.#} s waiting for {what}.");
        }
    }

    /// <inheritdoc cref="WithTimeout(Task, string, TimeSpan?)"/>
    public static Task WithTimeout(this ValueTask task, string what, TimeSpan? limit = null) => task.AsTask().WithTimeout(what, limit);

    /// <inheritdoc cref="WithTimeout(Task, string, TimeSpan?)"/>
    public static Task<T> WithTimeout<T>(this ValueTask<T> task, string what, TimeSpan? limit = null) => task.AsTask().WithTimeout(what, limit);

    /// <summary>Runs <paramref name="work"/> with a token that fires past the limit, failing with a message naming <paramref name="what"/>.</summary>
    public static async Task<T> Within<T>(string what, Func<CancellationToken, Task<T>> work, TimeSpan? limit = null)
    {
        var within = limit ?? DefaultLimit;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(within);
        var task = work(cts.Token);
        try
        {
            return await task.WaitAsync(within, TestContext.Current.CancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException && cts.IsCancellationRequested && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Timed out after {within.TotalSeconds:0.#} s waiting for {what}.", ex);
        }
    }

    /// <inheritdoc cref="Within{T}(string, Func{CancellationToken, Task{T}}, TimeSpan?)"/>
    public static Task Within(string what, Func<CancellationToken, Task> work, TimeSpan? limit = null)
        => Within(what, async ct =>
        {
            await work(ct);
            return true;
        }, limit);
}
