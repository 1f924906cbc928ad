using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using FlowStream.Diagnostics;
using FlowStream.Nodes;
using FlowStream.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlowStream.Engine;

/// <summary>The in-process engine and execution registry.</summary>
internal sealed class WorkflowEngine : IWorkflowEngine, IAsyncDisposable, IDisposable
{
    private readonly ConcurrentDictionary<long, ExecutionRunner> _executions = new();
    private readonly ConcurrentQueue<ExecutionRunner> _finished = new();
    private readonly ConcurrentDictionary<string, ILogger> _nodeLoggers = new(StringComparer.Ordinal);
    private readonly Lock _sweepLock = new();
    private readonly FlowStreamOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ExecutionIdGenerator _ids;
    private readonly ITimer _sweepTimer;
    private int _finishedCount;
    private volatile bool _disposed;

    public WorkflowEngine(
        IServiceScopeFactory scopeFactory,
        NodeTypeRegistry nodeTypes,
        IExecutionEventBus eventBus,
        IOptions<FlowStreamOptions> options,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ScopeFactory = scopeFactory ?? throw new ArgumentNullException(nameof(scopeFactory));
        NodeTypes = nodeTypes ?? throw new ArgumentNullException(nameof(nodeTypes));
        EventBus = eventBus ?? throw new ArgumentNullException(nameof(eventBus));
        _options = options.Value;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Logger = _loggerFactory.CreateLogger("FlowStream.Engine");
        _ids = new ExecutionIdGenerator(TimeProvider);
        var period = _options.FinishedExecutionTimeToLive < TimeSpan.FromMinutes(1) ? _options.FinishedExecutionTimeToLive : TimeSpan.FromMinutes(1);
        _sweepTimer = TimeProvider.CreateTimer(static state => ((WorkflowEngine)state!).Sweep(), this, period, period);
    }

    internal IServiceScopeFactory ScopeFactory { get; }

    internal NodeTypeRegistry NodeTypes { get; }

    internal IExecutionEventBus EventBus { get; }

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    public IReadOnlyList<WorkflowValidationProblem> Validate(WorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var problems = new List<WorkflowValidationProblem>();
        WorkflowValidator.Validate(workflow, IsKnownType, _options, null, problems);
        return problems;
    }

    public WorkflowExecution Start(WorkflowDefinition workflow, ExecutionRequest? request = null)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ObjectDisposedException.ThrowIf(_disposed, this);
        request ??= new ExecutionRequest();
        var problems = new List<WorkflowValidationProblem>();
        var graph = WorkflowValidator.Validate(workflow, IsKnownType, _options, request.MaxDegreeOfParallelism, problems);
        if (graph is null)
        {
            throw new WorkflowValidationException(workflow.Id, problems);
        }

        Sweep();
        var parallelism = request.MaxDegreeOfParallelism ?? workflow.Settings?.MaxDegreeOfParallelism ?? _options.DefaultMaxDegreeOfParallelism;
        var runner = new ExecutionRunner(this, graph, _ids.Next(), request, parallelism);
        _executions[runner.ExecutionId] = runner;
        runner.Start();
        if (_disposed)
        {
            runner.Cancel();
        }

        return runner.Execution;
    }

    public bool TryGetExecution(long executionId, [NotNullWhen(true)] out WorkflowExecution? execution)
    {
        Sweep();
        if (_executions.TryGetValue(executionId, out var runner))
        {
            execution = runner.Execution;
            return true;
        }

        execution = null;
        return false;
    }

    public IReadOnlyList<WorkflowExecution> ListExecutions()
    {
        Sweep();
        return [.. _executions.Values.OrderBy(r => r.ExecutionId).Select(r => r.Execution)];
    }

    public IAsyncEnumerable<ExecutionEvent> SubscribeAsync(long executionId, long afterSequence = 0, CancellationToken cancellationToken = default)
        => EventBus.SubscribeAsync(executionId, afterSequence, cancellationToken);

    public async IAsyncEnumerable<ExecutionEvent> RunWithEventsAsync(WorkflowDefinition workflow, ExecutionRequest? request = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var execution = Start(workflow, request);
        var finished = false;
        using var registration = cancellationToken.Register(static state => ((WorkflowExecution)state!).Cancel(), execution);
        try
        {
            // The caller's token cancels the execution, not the reading: the stream still ends with executionFinished.
            await foreach (var executionEvent in EventBus.SubscribeAsync(execution.Id, 0, CancellationToken.None).ConfigureAwait(false))
            {
                finished = executionEvent.IsTerminal;
                yield return executionEvent;
            }
        }
        finally
        {
            if (!finished)
            {
                execution.Cancel();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _sweepTimer.DisposeAsync().ConfigureAwait(false);
        var running = _executions.Values.Where(r => !r.Completion.IsCompleted).ToArray();
        foreach (var runner in running)
        {
            runner.Cancel();
        }

        // Every execution publishes executionFinished before its completion task finishes; handlers that ignore
        // their token are not waited for (the scheduler stops waiting for them when the token fires).
        await Task.WhenAll(running.Select(r => r.Completion)).ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal ILogger GetNodeLogger(string nodeType)
        => _nodeLoggers.GetOrAdd(nodeType, static (type, factory) => factory.CreateLogger("FlowStream.Nodes." + type), _loggerFactory);

    internal void OnFinished(ExecutionRunner runner)
    {
        _finished.Enqueue(runner);
        Interlocked.Increment(ref _finishedCount);
        Sweep();
    }

    /// <summary>Evicts finished executions past their time to live, and the oldest beyond the configured count.</summary>
    internal void Sweep()
    {
        if (_finished.IsEmpty || !_sweepLock.TryEnter())
        {
            return;
        }

        try
        {
            var now = TimeProvider.GetUtcNow();
            while (_finished.TryPeek(out var oldest)
                && (Volatile.Read(ref _finishedCount) > _options.MaxFinishedExecutions
                    || oldest.FinishedAt + _options.FinishedExecutionTimeToLive <= now))
            {
                _finished.TryDequeue(out _);
                Interlocked.Decrement(ref _finishedCount);
                _executions.TryRemove(oldest.ExecutionId, out _);
                EventBus.Remove(oldest.ExecutionId);
                Log.ExecutionEvicted(Logger, oldest.ExecutionId);
            }
        }
        finally
        {
            _sweepLock.Exit();
        }
    }

    private bool IsKnownType(string type) => NodeTypes.TryGet(type, out _);
}
