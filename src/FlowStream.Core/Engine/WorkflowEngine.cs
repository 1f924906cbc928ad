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

/// <summary>The in-process engine: validates (once per workflow instance), starts executions, and finds them again.</summary>
internal sealed class WorkflowEngine : IWorkflowEngine, IAsyncDisposable, IDisposable
{
    private static readonly ExecutionRequest s_defaultRequest = new();

    private readonly ConditionalWeakTable<WorkflowDefinition, CompiledWorkflow> _graphs = [];
    private readonly ConditionalWeakTable<WorkflowDefinition, CompiledWorkflow> _graphsForRequestParallelism = [];
    private readonly ExecutionEnvironment _env;
    private readonly ExecutionRegistry _registry;
    private readonly IExecutionEventReader _reader;
    private readonly IExecutionIdGenerator _ids;
    private readonly ITimer _sweepTimer;
    private volatile bool _disposed;

    public WorkflowEngine(
        IServiceScopeFactory scopeFactory,
        NodeTypeRegistry nodeTypes,
        IExecutionEventWriter writer,
        IExecutionEventReader reader,
        IOptions<FlowStreamOptions> options,
        FlowStreamMetrics metrics,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        IExecutionIdGenerator? idGenerator = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scopeFactory);
        ArgumentNullException.ThrowIfNull(nodeTypes);
        ArgumentNullException.ThrowIfNull(writer);
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        var time = timeProvider ?? TimeProvider.System;
        _env = new ExecutionEnvironment(options.Value, time, nodeTypes, scopeFactory, writer, metrics, loggerFactory ?? NullLoggerFactory.Instance);
        _registry = new ExecutionRegistry(_env);
        _ids = idGenerator ?? new ExecutionIdGenerator(time);
        _env.Registry = _registry;
        var ttl = _env.Options.FinishedExecutionTimeToLive;
        var period = ttl < TimeSpan.FromMinutes(1) ? ttl : TimeSpan.FromMinutes(1);
        _sweepTimer = time.CreateTimer(static state => ((ExecutionRegistry)state!).OnTimer(), _registry, period, period);
    }

    public IReadOnlyList<WorkflowValidationProblem> Validate(WorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var problems = new List<WorkflowValidationProblem>();
        WorkflowValidator.Validate(workflow, _env.NodeTypes, _env.Options, null, problems);
        return problems;
    }

    public WorkflowExecution Start(WorkflowDefinition workflow, ExecutionRequest? request = null)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ObjectDisposedException.ThrowIf(_disposed, this);
        request ??= s_defaultRequest;
        var graph = GetGraph(workflow, request.MaxDegreeOfParallelism);
        ExecutionRun? parent = null;
        if (request.ParentExecutionId is { } parentId && !_registry.TryGet(parentId, out parent))
        {
            throw new InvalidOperationException($"The parent execution {parentId} is not running here.");
        }

        var partition = request.QuotaPartition ?? request.OwnerId;
        _registry.Reserve(partition);
        ExecutionRun run;
        try
        {
            var parallelism = request.MaxDegreeOfParallelism ?? workflow.Settings?.MaxDegreeOfParallelism ?? _env.Options.DefaultMaxDegreeOfParallelism;
            run = new ExecutionRun(_env, graph, _ids.NextId(), request, parallelism);
            _registry.Add(run);
        }
        catch
        {
            _registry.Release(partition);
            throw;
        }

        run.Start();
        parent?.AddChild(run);
        if (_disposed)
        {
            run.Cancel();
        }

        return run.Execution;
    }

    public bool TryGetExecution(long executionId, [NotNullWhen(true)] out WorkflowExecution? execution)
    {
        if (_registry.TryGet(executionId, out var run))
        {
            execution = run.Execution;
            return true;
        }

        execution = null;
        return false;
    }

    public IReadOnlyList<WorkflowExecution> ListExecutions()
    {
        _registry.Sweep();
        return [.. _registry.All.OrderBy(r => r.ExecutionId).Select(r => r.Execution)];
    }

    public IAsyncEnumerable<ExecutionEvent> SubscribeAsync(long executionId, long afterSequence = 0, CancellationToken cancellationToken = default)
        => _reader.SubscribeAsync(executionId, afterSequence, cancellationToken);

    public async IAsyncEnumerable<ExecutionEvent> RunWithEventsAsync(WorkflowDefinition workflow, ExecutionRequest? request = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var execution = Start(workflow, request);
        var finished = false;
        using var registration = cancellationToken.Register(static state => ((WorkflowExecution)state!).Cancel(), execution);
        try
        {
            // The caller's token cancels the execution, not the reading: the stream still ends with executionFinished.
            await foreach (var executionEvent in _reader.SubscribeAsync(execution.Id, 0, CancellationToken.None).ConfigureAwait(false))
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
        var running = _registry.All.Where(r => !r.Completion.IsCompleted).ToArray();
        foreach (var run in running)
        {
            run.Cancel();
        }

        // Every execution publishes executionFinished before its completion task finishes; handlers that ignore
        // their token are not waited for (the engine stops waiting for them when the token fires).
        await Task.WhenAll(running.Select(r => r.Completion)).ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Validates and compiles a workflow once per instance: definitions are immutable, so an instance that validated once is reused
    /// as long as its node and connection lists still hold the same objects (checked on every start, O(n) reference compares).
    /// </summary>
    private WorkflowGraph GetGraph(WorkflowDefinition workflow, int? requestParallelism)
    {
        if (requestParallelism is < 1)
        {
            throw new WorkflowValidationException(workflow.Id, [new WorkflowValidationProblem(WorkflowValidationCodes.InvalidParallelism, $"The maximum degree of parallelism must be at least 1 (was {requestParallelism}).")]);
        }

        // A request's parallelism overrides the workflow's setting, which is then not validated: a second cache for that case.
        var cache = requestParallelism is null ? _graphs : _graphsForRequestParallelism;
        if (cache.TryGetValue(workflow, out var compiled) && compiled.IsStillValidFor(workflow))
        {
            return compiled.Graph;
        }

        var problems = new List<WorkflowValidationProblem>();
        var graph = WorkflowValidator.Validate(workflow, _env.NodeTypes, _env.Options, requestParallelism, problems)
            ?? throw new WorkflowValidationException(workflow.Id, problems);
        graph.Handlers = ResolveHandlers(graph);
        cache.AddOrUpdate(workflow, new CompiledWorkflow(graph, [.. workflow.Nodes], [.. workflow.Connections]));
        return graph;
    }

    private (NodeTypeRegistration[], int[], int) ResolveHandlers(WorkflowGraph graph)
    {
        var registrations = new NodeTypeRegistration[graph.Nodes.Length];
        var slots = new int[graph.Nodes.Length];
        var slotByType = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < registrations.Length; i++)
        {
            var type = graph.Nodes[i].Type;
            _env.NodeTypes.TryGet(type, out registrations[i]);
            if (!slotByType.TryGetValue(type, out var slot))
            {
                slotByType[type] = slot = slotByType.Count;
            }

            slots[i] = slot;
        }

        return (registrations, slots, slotByType.Count);
    }

    private bool IsKnownType(string type) => _env.NodeTypes.TryGet(type, out _);

    private sealed class CompiledWorkflow(WorkflowGraph graph, NodeDefinition[] nodes, ConnectionDefinition[] connections)
    {
        public WorkflowGraph Graph => graph;

        public bool IsStillValidFor(WorkflowDefinition workflow)
        {
            var currentNodes = workflow.Nodes;
            var currentConnections = workflow.Connections;
            if (currentNodes.Count != nodes.Length || currentConnections.Count != connections.Length)
            {
                return false;
            }

            for (var i = 0; i < nodes.Length; i++)
            {
                if (!ReferenceEquals(currentNodes[i], nodes[i]))
                {
                    return false;
                }
            }

            for (var i = 0; i < connections.Length; i++)
            {
                if (!ReferenceEquals(currentConnections[i], connections[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }
}
