using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using WorkflowCore.Interface;
using WorkflowCore.Models;
using WorkflowCore.Models.LifeCycleEvents;

namespace FlowStream.Peers;

/// <summary>
/// WorkflowCore the way its README shows: <c>AddWorkflow()</c> (its default in-memory persistence, queue and lock), a registered
/// definition per chain length, <c>host.Start()</c>, <c>StartWorkflow</c>, and completion learnt from the host's
/// <c>OnLifeCycleEvent</c> (<see cref="WorkflowCompleted"/>), failures from <c>OnStepError</c> and the terminated/error events.
/// </summary>
internal sealed class WorkflowCorePeer : IPeer
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private readonly ServiceProvider _services;
    private readonly IWorkflowHost _host;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _running = new(StringComparer.Ordinal);
    private long _nextReference;

    public WorkflowCorePeer(IEnumerable<int> sizes, TimeSpan pollInterval, TimeSpan idleTime)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddWorkflow(options =>
        {
            options.UsePollInterval(pollInterval);
            options.UseIdleTime(idleTime);
        });
        services.AddTransient<NoOpStep>();
        _services = services.BuildServiceProvider();
        _host = _services.GetRequiredService<IWorkflowHost>();
        foreach (var size in sizes)
        {
            _host.Registry.RegisterWorkflow(new ChainWorkflow(size));
        }

        _host.OnLifeCycleEvent += OnLifeCycleEvent;
        _host.OnStepError += OnStepError;
        _host.Start();
    }

    public string Name => "WorkflowCore";

    /// <summary>Gets how many workflows were started: WorkflowCore's in-memory store keeps every one (it has no purge), and looks
    /// instances up by scanning its list, so this is the size of the store at the end.</summary>
    public long Started => Interlocked.Read(ref _nextReference);

    public async Task RunChainAsync(int nodes)
    {
        // The reference is known before the start, so a workflow that completes before StartWorkflow returns is not missed.
        var reference = Interlocked.Increment(ref _nextReference).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[reference] = completion;
        try
        {
            await _host.StartWorkflow(ChainWorkflow.IdFor(nodes), data: null, reference: reference).ConfigureAwait(false);
            await completion.Task.WaitAsync(RunTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"WorkflowCore: a {nodes}-node chain did not complete within {RunTimeout}.");
        }
        finally
        {
            _running.TryRemove(reference, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        _host.OnLifeCycleEvent -= OnLifeCycleEvent;
        _host.OnStepError -= OnStepError;
        await _services.DisposeAsync().ConfigureAwait(false);
    }

    private void OnLifeCycleEvent(LifeCycleEvent evt)
    {
        if (evt.Reference is null || !_running.TryGetValue(evt.Reference, out var completion))
        {
            return;
        }

        switch (evt)
        {
            case WorkflowCompleted:
                completion.TrySetResult();
                break;
            case WorkflowTerminated or WorkflowError or WorkflowSuspended:
                completion.TrySetException(new InvalidOperationException($"WorkflowCore: workflow {evt.WorkflowInstanceId} ended with {evt.GetType().Name}."));
                break;
        }
    }

    private void OnStepError(WorkflowInstance workflow, WorkflowStep step, Exception exception)
    {
        if (workflow.Reference is not null && _running.TryGetValue(workflow.Reference, out var completion))
        {
            completion.TrySetException(new InvalidOperationException($"WorkflowCore: step {step.Id} of workflow {workflow.Id} failed.", exception));
        }
    }
}
