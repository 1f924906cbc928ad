using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Engine;

/// <summary>
/// The waits between tries, measured on the fake clock: each timer the engine starts is exactly the <c>waitMs</c> its
/// <c>nodeExecutionRetry</c> announced, which is <c>waitMs × backoffMultiplier^(n−1)</c> before try n + 1, capped at
/// <see cref="int.MaxValue"/> ms. Each wait is checked before the clock is advanced, and the clock is advanced by the wait the
/// engine really started: a wrong backoff fails an assertion at once instead of leaving a timer that never fires.
/// </summary>
public class RetryBackoffTests
{
    [Theory]
    [InlineData(1000, 2.0, 4, new long[] { 1000, 2000, 4000 })]
    [InlineData(500, 3.0, 3, new long[] { 500, 1500 })]
    [InlineData(250, 1.0, 3, new long[] { 250, 250 })]
    [InlineData(80_000_000, 100.0, 3, new long[] { 80_000_000, int.MaxValue })]
    public async Task Retry_EachWaitOnTheClockIsTheAnnouncedBackoff(int waitMs, double multiplier, int maxTries, long[] expectedWaits)
    {
        var calls = 0;
        // The capped wait (~24.8 days) outlasts the default MaxExecutionDuration (24 h): allow the run that long.
        await using var host = TestEngine.Create(
            b => b.AddNode("fail", (ctx, ct) => ValueTask.FromResult(NodeResult.Failure($"fail {Interlocked.Increment(ref calls)}"))),
            o => o.MaxExecutionDuration = TimeSpan.FromDays(60));
        var workflow = new WorkflowBuilder("backoff")
            .AddNode(new NodeDefinition { Name = "F", Type = "fail", Retry = new NodeRetryPolicy { MaxTries = maxTries, WaitMs = waitMs, BackoffMultiplier = multiplier } })
            .Build();
        var firstTimer = host.Timers.TimersCreated;
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);

        for (var attempt = 1; attempt < maxTries; attempt++)
        {
            var expected = expectedWaits[attempt - 1];
            var retry = await recorder.WaitForAsync(e => e.Type == ExecutionEventTypes.NodeExecutionRetry && e.Data.GetProperty("attempt").GetInt32() == attempt)
                .WithTimeout($"the nodeExecutionRetry of attempt {attempt}");
            retry.Data.GetProperty("waitMs").GetInt64().Should().Be(expected, "the wait before try {0} is waitMs × backoffMultiplier^{1} (capped at int.MaxValue ms)", attempt + 1, attempt - 1);

            var due = await host.Timers.WaitForTimerAtAsync(firstTimer + attempt - 1);
            due.Should().Be(TimeSpan.FromMilliseconds(expected), "the engine waits exactly what it announced before try {0}", attempt + 1);
            calls.Should().Be(attempt, "no try starts before its wait is over");
            host.Time.Advance(due);
        }

        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Error);
        calls.Should().Be(maxTries);
        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionRetry).Select(e => e.Data.GetProperty("waitMs").GetInt64()).Should().Equal(expectedWaits);
        host.Timers.Timers.Skip(firstTimer).Should().Equal(expectedWaits.Select(w => TimeSpan.FromMilliseconds(w)), "no other wait was started");
    }

    [Fact]
    public async Task Retry_WaitNotOverYet_NextTryDoesNotStart()
    {
        var calls = 0;
        await using var host = TestEngine.Create(b => b.AddNode("fail", (ctx, ct) => ValueTask.FromResult(
            Interlocked.Increment(ref calls) < 3 ? NodeResult.Failure("not yet") : NodeResult.Success())));
        var workflow = new WorkflowBuilder("backoff-early")
            .AddNode(new NodeDefinition { Name = "F", Type = "fail", Retry = new NodeRetryPolicy { MaxTries = 3, WaitMs = 1000, BackoffMultiplier = 2 } })
            .Build();
        var firstTimer = host.Timers.TimersCreated;
        var execution = host.Engine.Start(workflow);

        (await host.Timers.WaitForTimerAtAsync(firstTimer)).Should().Be(TimeSpan.FromMilliseconds(1000));
        host.Time.Advance(TimeSpan.FromMilliseconds(1000));
        (await host.Timers.WaitForTimerAtAsync(firstTimer + 1)).Should().Be(TimeSpan.FromMilliseconds(2000));

        // 1,999 ms into a 2,000 ms wait the third try has not started; one more millisecond starts it.
        host.Time.Advance(TimeSpan.FromMilliseconds(1999));
        calls.Should().Be(2);
        execution.Status.Should().Be(ExecutionStatus.Running);
        host.Time.Advance(TimeSpan.FromMilliseconds(1));
        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);
        calls.Should().Be(3);
    }
}
