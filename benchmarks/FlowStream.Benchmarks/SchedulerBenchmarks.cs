using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using FlowStream.Benchmarks.Infrastructure;
using FlowStream.Nodes.BuiltIn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowStream.Benchmarks;

/// <summary>The graph of a scheduler benchmark.</summary>
public enum Shape
{
    /// <summary>n0 → n1 → … → nN-1.</summary>
    Chain,

    /// <summary>n0 → n1, n0 → n2, …, n0 → nN-1.</summary>
    FanOut,
}

/// <summary>
/// Issue 6, benchmark 2: the scheduler's cost per no-op node. One operation is one node (OperationsPerInvoke = node count).
/// <list type="bullet">
/// <item><c>Engine</c>: <c>Start</c> then <c>Completion</c>: the engine validates the workflow, starts the execution, runs every
/// node and publishes every event (2 per node, plus <c>executionStarted</c> and <c>executionFinished</c>) to the bus, which keeps
/// them for replay.</item>
/// <item><c>EngineWithSubscriber</c>: the same through <c>RunWithEventsAsync</c>, which also delivers every event to a live
/// subscriber on another thread.</item>
/// <item><c>PlainLoop</c> (baseline): the floor, a plain loop awaiting the same <c>noOp</c> handler with the same kind of context,
/// node after node.</item>
/// </list>
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(Config))]
public class SchedulerBenchmarks
{
    private const int ParallelDegree = 8;

    private static readonly JsonElement s_emptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    private readonly Dictionary<int, WorkflowDefinition> _workflows = [];
    private ServiceProvider _services = null!;
    private IWorkflowEngine _engine = null!;
    private AsyncServiceScope _scope;
    private Func<JsonElement, ValueTask<NodeResult>> _handler = null!;
    private ExecutionRequest _request = null!;

    /// <summary>Gets or sets the graph.</summary>
    [Params(Shape.Chain, Shape.FanOut)]
    public Shape Shape { get; set; }

    /// <summary>Gets or sets a value indicating whether up to 8 nodes may run at once (otherwise 1).</summary>
    [Params(false, true)]
    public bool Parallel { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _services = new ServiceCollection()
            .AddFlowStream(options => options.MaxFinishedExecutions = 4)
            .Services.BuildServiceProvider();
        _engine = _services.GetRequiredService<IWorkflowEngine>();
        _scope = _services.CreateAsyncScope();
        _handler = static input => ValueTask.FromResult(NodeResult.Success(input));
        _request = new ExecutionRequest { MaxDegreeOfParallelism = Parallel ? ParallelDegree : 1 };
        foreach (var count in new[] { 10, 100, 1000 })
        {
            var builder = new WorkflowBuilder($"{Shape}-{count}");
            for (var i = 0; i < count; i++)
            {
                builder.AddNode($"n{i}", BuiltInNodeTypes.NoOp);
                if (i > 0)
                {
                    builder.Connect(Shape == Shape.Chain ? $"n{i - 1}" : "n0", $"n{i}");
                }
            }

            _workflows[count] = builder.Build();
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _scope.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 10)]
    [BenchmarkCategory("10 nodes")]
    public ValueTask<int> PlainLoop10() => PlainLoopAsync(10);

    [Benchmark(OperationsPerInvoke = 10)]
    [BenchmarkCategory("10 nodes")]
    public Task<int> Engine10() => EngineAsync(10);

    [Benchmark(OperationsPerInvoke = 10)]
    [BenchmarkCategory("10 nodes")]
    public Task<int> EngineWithSubscriber10() => EngineWithSubscriberAsync(10);

    [Benchmark(Baseline = true, OperationsPerInvoke = 100)]
    [BenchmarkCategory("100 nodes")]
    public ValueTask<int> PlainLoop100() => PlainLoopAsync(100);

    [Benchmark(OperationsPerInvoke = 100)]
    [BenchmarkCategory("100 nodes")]
    public Task<int> Engine100() => EngineAsync(100);

    [Benchmark(OperationsPerInvoke = 100)]
    [BenchmarkCategory("100 nodes")]
    public Task<int> EngineWithSubscriber100() => EngineWithSubscriberAsync(100);

    [Benchmark(Baseline = true, OperationsPerInvoke = 1000)]
    [BenchmarkCategory("1000 nodes")]
    public ValueTask<int> PlainLoop1000() => PlainLoopAsync(1000);

    [Benchmark(OperationsPerInvoke = 1000)]
    [BenchmarkCategory("1000 nodes")]
    public Task<int> Engine1000() => EngineAsync(1000);

    [Benchmark(OperationsPerInvoke = 1000)]
    [BenchmarkCategory("1000 nodes")]
    public Task<int> EngineWithSubscriber1000() => EngineWithSubscriberAsync(1000);

    private async ValueTask<int> PlainLoopAsync(int count)
    {
        var input = s_emptyObject;
        var succeeded = 0;
        for (var i = 0; i < count; i++)
        {
            // What a no-op node does, called straight: the floor every engine is measured against.
            var result = await _handler(input);
            input = result.Output;
            succeeded += result.IsSuccess ? 1 : 0;
        }

        return succeeded;
    }

    private async Task<int> EngineAsync(int count)
    {
        var execution = _engine.Start(_workflows[count], _request);
        var status = await execution.Completion;
        if (status != ExecutionStatus.Success)
        {
            throw new InvalidOperationException($"The execution ended {status}: {execution.ErrorMessage}");
        }

        return count;
    }

    private async Task<int> EngineWithSubscriberAsync(int count)
    {
        var events = 0;
        ExecutionEvent last = default;
        await foreach (var executionEvent in _engine.RunWithEventsAsync(_workflows[count], _request))
        {
            events++;
            last = executionEvent;
        }

        if (events != (2 * count) + 2 || !last.IsTerminal || last.Data.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Expected {(2 * count) + 2} events ending with executionFinished, got {events} ending with {last}.");
        }

        return events;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // 36 cases: a dozen measured iterations each (BenchmarkDotNet's default takes 15 to 100) keeps the class near 10 minutes.
            if (!HostArguments.JobGiven)
            {
                AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(12));
            }
        }
    }
}
