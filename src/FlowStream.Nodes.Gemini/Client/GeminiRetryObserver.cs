namespace FlowStream.Nodes.Gemini.Client;

/// <summary>A retry that <see cref="GeminiRetry"/> is about to wait for: the attempt that failed, the wait before the next, and why.</summary>
internal readonly record struct GeminiRetryNotice(int Attempt, int MaxAttempts, long WaitMs, string Reason);

/// <summary>
/// Lets the <c>gemini</c> node hear about its chat client's retries without a new public API: the node sets a callback for the
/// duration of its call (it flows with the call's async context, through any <c>IChatClient</c> decorators), and
/// <see cref="GeminiRetry"/> invokes it before each wait.
/// </summary>
internal static class GeminiRetryObserver
{
    private static readonly AsyncLocal<Action<GeminiRetryNotice>?> s_current = new();

    public static Action<GeminiRetryNotice>? Current => s_current.Value;

    /// <summary>Sets <paramref name="observer"/> until the returned scope is disposed.</summary>
    public static Scope Observe(Action<GeminiRetryNotice> observer)
    {
        var previous = s_current.Value;
        s_current.Value = observer;
        return new Scope(previous);
    }

    internal readonly struct Scope(Action<GeminiRetryNotice>? previous) : IDisposable
    {
        public void Dispose() => s_current.Value = previous;
    }
}
