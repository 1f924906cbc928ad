using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlowStream.Tests.Infrastructure;

/// <summary>An engine on a <see cref="FakeTimeProvider"/> (starting 2026-01-01T00:00:00Z), built through <c>AddFlowStream()</c> as a host would.</summary>
internal sealed class TestEngine : IAsyncDisposable
{
    public static readonly DateTimeOffset StartTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private TestEngine(ServiceProvider services, FakeTimeProvider time, RecordingTimeProvider timers)
    {
        Services = services;
        Time = time;
        Timers = timers;
        Engine = services.GetRequiredService<IWorkflowEngine>();
    }

    /// <summary>Gets the fake clock; <c>Advance</c> it to fire waits and timeouts.</summary>
    public FakeTimeProvider Time { get; }

    /// <summary>Gets the engine's <see cref="TimeProvider"/>: the fake clock, counting the timers created through it.</summary>
    public RecordingTimeProvider Timers { get; }

    public ServiceProvider Services { get; }

    public IWorkflowEngine Engine { get; }

    public static TestEngine Create(Action<FlowStreamBuilder>? configureNodes = null, Action<FlowStreamOptions>? configureOptions = null, Action<IServiceCollection>? configureServices = null)
    {
        var time = new FakeTimeProvider(StartTime);
        var timers = new RecordingTimeProvider(time);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(timers);
        configureServices?.Invoke(services);
        var builder = services.AddFlowStream(configureOptions);
        configureNodes?.Invoke(builder);
        return new TestEngine(services.BuildServiceProvider(validateScopes: true), time, timers);
    }

    /// <summary>Reads every event of an execution from the start (or after <paramref name="afterSequence"/>) until executionFinished.</summary>
    public Task<List<ExecutionEvent>> CollectAsync(long executionId, long afterSequence = 0, CancellationToken cancellationToken = default)
        => Engine.SubscribeAsync(executionId, afterSequence, cancellationToken).ToListAsync(cancellationToken).AsTask();

    /// <summary>Waits until <paramref name="count"/> more timers exist than <paramref name="before"/>, then advances the clock.</summary>
    public async Task AdvanceWhenTimersAsync(int before, int count, TimeSpan by)
    {
        await Timers.WaitForTimersAsync(before + count, TestContext.Current.CancellationToken);
        Time.Advance(by);
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
