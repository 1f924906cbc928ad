using FlowStream.Nodes.Gemini.Diagnostics;
using Microsoft.Extensions.Logging;

namespace FlowStream.Nodes.Gemini.Client;

/// <summary>
/// The retry budget of one request (spec section 7): which failures are retried, how long to wait (server's
/// <c>RetryInfo.retryDelay</c>, then <c>Retry-After</c>, then exponential backoff with jitter), capped attempts and total wait.
/// </summary>
internal sealed class GeminiRetry(GeminiOptions options, TimeProvider timeProvider, ILogger logger, string operation, string model)
{
    private static readonly TimeSpan s_maxJitter = TimeSpan.FromSeconds(1);

    private TimeSpan _waited;

    public int Attempt { get; private set; }

    public int MaxAttempts { get; } = Math.Max(1, options.MaxAttempts);

    public void BeginAttempt()
    {
        Attempt++;
        Log.Sending(logger, operation, model, Attempt, MaxAttempts);
    }

    /// <summary>Throws the failure when it is final; otherwise waits before the next attempt (the wait honours cancellation).</summary>
    public async Task WaitOrThrowAsync(GeminiFailure failure, CancellationToken cancellationToken)
    {
        string? note = null;
        TimeSpan delay = default;
        if (!failure.IsTransient)
        {
            // 400/401/403/404 and the like: never retried, the API's own message as it is.
        }
        else if (failure.IsDailyQuota)
        {
            note = "daily quota exhausted: not retried";
        }
        else if (Attempt >= MaxAttempts)
        {
            note = Attempt == 1 ? null : $"gave up after {Attempt} attempts";
        }
        else
        {
            var left = options.MaxTotalWait - _waited;
            delay = NextDelay(failure);
            if (delay > left)
            {
                note = failure.ServerDelay is { } asked
                    ? $"the server asked to wait {GeminiFailure.FormatDuration(asked)}, more than the {GeminiFailure.FormatDuration(left < TimeSpan.Zero ? TimeSpan.Zero : left)} left of the retry budget: not retried"
                    : $"gave up after {Attempt} attempts: the retry budget of {GeminiFailure.FormatDuration(options.MaxTotalWait)} is used up";
            }
            else
            {
                delay = WithJitter(failure, delay, left);
                var waitMs = (long)Math.Ceiling(delay.TotalMilliseconds);
                Log.Retrying(logger, operation, model, Attempt, failure.Message, waitMs);
                GeminiRetryObserver.Current?.Invoke(new GeminiRetryNotice(Attempt, MaxAttempts, waitMs, failure.Message));
                _waited += delay;
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
                }

                return;
            }
        }

        var exception = failure.ToException(Attempt, note);
        Log.Failed(logger, operation, model, Attempt, exception.Message);
        throw exception;
    }

    /// <summary>The wait before jitter: <c>RetryInfo.retryDelay</c>, else <c>Retry-After</c>, else capped exponential backoff.</summary>
    private TimeSpan NextDelay(GeminiFailure failure)
    {
        if (failure.ServerDelay is { } serverDelay)
        {
            return serverDelay;
        }

        var exponent = Math.Min(Attempt - 1, 30);
        return TimeSpan.FromTicks((long)Math.Min(options.BaseDelay.Ticks * Math.Pow(2, exponent), options.MaxDelay.Ticks));
    }

    /// <summary>
    /// Adds up to one second of jitter (never more than the delay itself, and never beyond the budget left) to a backoff or a
    /// <c>RetryInfo</c> delay; a <c>Retry-After</c> delay is kept as it is.
    /// </summary>
    private static TimeSpan WithJitter(GeminiFailure failure, TimeSpan delay, TimeSpan left)
    {
        if (failure.ServerDelay is not null && !failure.ServerDelayFromRetryInfo)
        {
            return delay;
        }

        var max = delay < s_maxJitter ? delay : s_maxJitter;
        var jittered = max <= TimeSpan.Zero ? delay : delay + TimeSpan.FromTicks((long)(Random.Shared.NextDouble() * max.Ticks));
        return jittered > left ? left : jittered;
    }
}
