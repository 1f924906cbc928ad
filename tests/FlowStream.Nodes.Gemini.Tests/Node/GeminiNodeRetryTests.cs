using FlowStream.Nodes.Gemini.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace FlowStream.Nodes.Gemini.Tests.Node;

/// <summary>
/// Retries per the spec's section 7, with every wait observed on the fake clock: the test waits until the retry's timer
/// exists, reads its length, and advances the clock — no sleeps, no wall-clock waiting.
/// </summary>
public class GeminiNodeRetryTests
{
    private static readonly TimeSpan Ms1 = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(100);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    /// <summary>The engine's sweep of finished executions, a 1-minute periodic timer on the same clock.</summary>
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData("41s", 41_000.0, false)]
    [InlineData("45.837906927s", 45_837.906927, false)]
    [InlineData("41s", 41_000.0, true)]
    public async Task Quota429WithRetryDelay_WaitsThatLongPlusJitter_ThenSucceeds(string retryDelay, double delayMs, bool stream)
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Error(429, GeminiExamples.QuotaError.Replace("\"41s\"", $"\"{retryDelay}\"", StringComparison.Ordinal)));
        var asked = TimeSpan.FromMilliseconds(delayMs);

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream)));
        var wait = await host.Time.NextTimerAsync(t => t != AttemptTimeout && t != SweepPeriod);
        wait.Should().BeGreaterThanOrEqualTo(asked).And.BeLessThanOrEqualTo(asked + TimeSpan.FromSeconds(1), "RetryInfo.retryDelay plus up to 1 s of jitter");

        host.Time.Advance(wait - Ms1);
        host.Server.Requests.Should().ContainSingle("the wait is not over yet");
        host.Time.Advance(Ms1);
        await host.Server.WaitForRequestAsync(2);
        await run.CompleteAsync();

        run.Status.Should().Be("success", run.Error);
        run.Output.GetProperty("response").GetString().Should().Be("The capital of France is **Paris**.");
        host.Server.Requests.Should().HaveCount(2);
        host.Logs.Entries.Should().ContainSingle(e => e.EventId.Id == 3002 && e.Level == LogLevel.Warning)
            .Which.Message.Should().Contain("Gemini API error 429 RESOURCE_EXHAUSTED");
    }

    [Fact]
    public async Task Unavailable503_IsRetriedWithExponentialBackoffUntilTheAttemptsAreExhausted()
    {
        await using var host = await GeminiTestHost.StartAsync(options => options.MaxAttempts = 4);
        for (var i = 0; i < 4; i++)
        {
            host.Server.Enqueue(FakeResponse.Error(503, GeminiExamples.OverloadedError));
        }

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream: false)));
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var backoff = TimeSpan.FromSeconds(Math.Pow(2, attempt - 1));
            var wait = await host.Time.NextTimerAsync(t => t != AttemptTimeout && t != SweepPeriod);
            wait.Should().BeGreaterThanOrEqualTo(backoff).And.BeLessThanOrEqualTo(backoff + TimeSpan.FromSeconds(1), "1 s, 2 s, 4 s… plus up to 1 s of jitter");
            host.Time.Advance(wait);
            await host.Server.WaitForRequestAsync(attempt + 1);
        }

        await run.CompleteAsync();

        run.Error.Should().Be("Gemini API error 503 UNAVAILABLE: The model is overloaded. Please try again later. (gave up after 4 attempts)");
        host.Server.Requests.Should().HaveCount(4);
        host.Logs.Entries.Count(e => e.EventId.Id == 3002).Should().Be(3);
        host.Logs.Entries.Should().ContainSingle(e => e.EventId.Id == 3003);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EachRetry_IsReportedAsProgressWithTheWaitAndTheReason_BeforeTheWait(bool stream)
    {
        await using var host = await GeminiTestHost.StartAsync(options => options.MaxAttempts = 3);
        host.Server.Enqueue(FakeResponse.Error(503, GeminiExamples.OverloadedError));
        host.Server.Enqueue(FakeResponse.Error(503, GeminiExamples.OverloadedError));

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream)));
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var progress = await run.WaitForProgressAsync(attempt);
            var retry = progress.Data.GetProperty("data").GetProperty("retry");
            retry.GetProperty("attempt").GetInt32().Should().Be(attempt);
            retry.GetProperty("maxAttempts").GetInt32().Should().Be(3);
            retry.GetProperty("reason").GetString().Should().Be("Gemini API error 503 UNAVAILABLE: The model is overloaded. Please try again later.");
            var wait = await host.Time.NextTimerAsync(t => t != AttemptTimeout && t != SweepPeriod);
            retry.GetProperty("waitMs").GetInt64().Should().BeCloseTo((long)Math.Ceiling(wait.TotalMilliseconds), 1, "the progress event announces the wait that follows (in whole ms)");
            host.Time.Advance(wait);
            await host.Server.WaitForRequestAsync(attempt + 1);
        }

        await run.CompleteAsync();

        run.Status.Should().Be("success", run.Error);
        run.Retries.Should().HaveCount(2);
        run.Retries.Select(r => r.GetProperty("attempt").GetInt32()).Should().Equal(1, 2);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Internal500ThenSuccess_Succeeds(bool stream)
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Error(500, GeminiExamples.InternalError));

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream)));
        var wait = await host.Time.NextTimerAsync(t => t != AttemptTimeout && t != SweepPeriod);
        wait.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(2));
        host.Time.Advance(wait);
        await run.CompleteAsync();

        run.Status.Should().Be("success", run.Error);
        run.Deltas.Should().HaveCount(stream ? 3 : 0);
        host.Server.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task RetryAfterHeader_IsHonouredWhenThereIsNoRetryInfo()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Error(503, GeminiExamples.OverloadedError, new Dictionary<string, string> { ["Retry-After"] = "7" }));

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream: false)));
        await host.Time.AdvanceWhenTimerAsync(TimeSpan.FromSeconds(7));
        await run.CompleteAsync();

        run.Status.Should().Be("success", run.Error);
        host.Server.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task TransportFailure_IsRetried()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Abort());

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream: false)));
        host.Time.Advance(await host.Time.NextTimerAsync(FirstBackoff, FirstBackoff * 2));
        await run.CompleteAsync();

        run.Status.Should().Be("success", run.Error);
        host.Server.Requests.Should().HaveCount(2);
        host.Logs.Entries.Should().Contain(e => e.EventId.Id == 3002 && e.Message.Contains("Gemini API request failed: "));
    }

    [Fact]
    public async Task ErrorChunkBeforeTheFirstChunk_IsRetried()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Stream(["""{"error": {"code": 503,"message": "The model is overloaded. Please try again later.","status": "UNAVAILABLE"}}"""]));

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream: true)));
        host.Time.Advance(await host.Time.NextTimerAsync(FirstBackoff, FirstBackoff * 2));
        await run.CompleteAsync();

        run.Status.Should().Be("success", run.Error);
        run.Deltas.Should().Equal("The capital", " of France is", " **Paris**.");
        host.Server.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task PerDayQuota429_FailsFast()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Error(429, GeminiExamples.QuotaError.Replace("PerMinute", "PerDay", StringComparison.Ordinal)));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false));

        run.Error.Should().StartWith("Gemini API error 429 RESOURCE_EXHAUSTED: You exceeded your current quota")
            .And.EndWith("Please retry in 41.291750613s. (daily quota exhausted: not retried)");
        host.Server.Requests.Should().ContainSingle();
        host.Time.Timers.Should().OnlyContain(t => t == AttemptTimeout || t == SweepPeriod, "no retry wait was started");
    }

    [Fact]
    public async Task RetryDelayBeyondTheTotalWaitBudget_FailsAtOnceWithTheDelay()
    {
        await using var host = await GeminiTestHost.StartAsync(options => options.MaxTotalWait = TimeSpan.FromSeconds(30));
        host.Server.Enqueue(FakeResponse.Error(429, GeminiExamples.QuotaError));

        var run = await host.RunAsync(GeminiTestHost.Parameters(stream: false));

        run.Error.Should().EndWith("(the server asked to wait 41 s, more than the 30 s left of the retry budget: not retried)");
        host.Server.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task AttemptTimeout_IsRetriedThenReported()
    {
        await using var host = await GeminiTestHost.StartAsync(options =>
        {
            options.Timeout = TimeSpan.FromSeconds(10);
            options.MaxAttempts = 2;
        });
        host.Server.Enqueue(FakeResponse.Hang(), FakeResponse.Hang());

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream: true)));
        await host.Server.WaitForRequestAsync(1);
        await host.Time.AdvanceWhenTimerAsync(TimeSpan.FromSeconds(10));
        host.Time.Advance(await host.Time.NextTimerAsync(FirstBackoff, FirstBackoff * 2));
        await host.Server.WaitForRequestAsync(2);
        await host.Time.AdvanceWhenTimerAsync(TimeSpan.FromSeconds(10));
        await run.CompleteAsync();

        run.Error.Should().Be("Gemini API request timed out after 10 s. (gave up after 2 attempts)");
        await Task.WhenAll(host.Server.Requests.Select(r => r.Aborted)).WithTimeout("every request to the fake Gemini server to be aborted");
    }

    [Fact]
    public async Task CancelDuringARetryWait_CancelsAtOnce()
    {
        await using var host = await GeminiTestHost.StartAsync();
        host.Server.Enqueue(FakeResponse.Error(429, GeminiExamples.QuotaError));

        var run = host.Start(GeminiTestHost.Workflow(GeminiTestHost.Parameters(stream: false)));
        await host.Time.NextTimerAsync(TimeSpan.FromSeconds(41), TimeSpan.FromSeconds(42));
        run.Execution.Cancel();
        await run.CompleteAsync();

        run.Status.Should().Be("canceled");
        host.Server.Requests.Should().ContainSingle();
    }
}
