using System.Net.ServerSentEvents;
using System.Text;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using FlowStream.Benchmarks.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Perfolizer.Mathematics.OutlierDetection;

namespace FlowStream.Benchmarks;

/// <summary>
/// Issue 6, benchmark 5: the time from a node's completion to its <c>nodeExecutionAfter</c> being parsed by a client
/// (<see cref="SseParser"/>) on loopback. One operation is one node: each iteration measures exactly one, so the percentiles of the
/// iterations are the percentiles of the latency (P50 = Median, P99), outliers kept.
/// </summary>
/// <remarks>
/// <para>The workflow is a chain of 1,000 <c>gate</c> nodes whose handler waits for a <see cref="TaskCompletionSource"/>. Before an
/// iteration (not measured) the client has parsed the node's <c>nodeExecutionBefore</c> and the handler is waiting, so the stream is
/// idle. The measured operation completes the gate — the handler's continuation runs inline, so the node completes at once on the
/// benchmark's thread — and reads the stream until the client has parsed that node's <c>nodeExecutionAfter</c>.</para>
/// <para>Baseline: the same round trip without FlowStream: a plain Kestrel endpoint whose request waits on the same kind of gate, then
/// writes the same pre-serialized <c>nodeExecutionAfter</c> frame and flushes it.</para>
/// </remarks>
[Config(typeof(Config))]
public class LatencyBenchmarks
{
    private const int ChainLength = 1_000;
    private const string WorkflowId = "gates";

    private readonly Channel<TaskCompletionSource> _nodeGates = Channel.CreateUnbounded<TaskCompletionSource>();
    private readonly Channel<TaskCompletionSource> _plainGates = Channel.CreateUnbounded<TaskCompletionSource>();
    private BenchmarkServer _server = null!;
    private HttpClient _client = null!;
    private byte[] _afterFrame = [];
    private volatile bool _stopping;
    private HttpResponseMessage? _flowStreamResponse;
    private IAsyncEnumerator<SseItem<EventKind>>? _flowStreamEvents;
    private HttpResponseMessage? _plainResponse;
    private IAsyncEnumerator<SseItem<EventKind>>? _plainEvents;
    private TaskCompletionSource _gate = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var builder = new WorkflowBuilder(WorkflowId);
        for (var i = 0; i < ChainLength; i++)
        {
            builder.AddNode($"n{i}", "gate");
            if (i > 0)
            {
                builder.Connect($"n{i - 1}", $"n{i}");
            }
        }

        _afterFrame = SseFramingBenchmarks.FrameWithSseEventWriter(
            new ExecutionEvent(SampleEvents.ExecutionId, 3, ExecutionEventTypes.NodeExecutionAfter, SampleEvents.NodeExecutionAfterJson(SampleEvents.ExecutionId, 1)));
        _server = await BenchmarkServer.StartAsync(
            options => options.MaxFinishedExecutions = 2,
            flowStream => flowStream
                .AddInMemoryWorkflowStore(builder.Build())
                .AddNode("gate", async (_, _) =>
                {
                    // Completed by the benchmark: without RunContinuationsAsynchronously, this handler goes on inline.
                    var gate = new TaskCompletionSource();
                    _nodeGates.Writer.TryWrite(gate);
                    await gate.Task;
                    return NodeResult.Success();
                }),
            app => app.MapGet("/plain", PlainAsync));
        _client = _server.CreateClient();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _stopping = true;
        foreach (var execution in _server.Engine.ListExecutions())
        {
            execution.Cancel();
        }

        while (_plainGates.Reader.TryRead(out var gate))
        {
            gate.TrySetResult();
        }

        _gate?.TrySetResult();
        await CloseAsync(_flowStreamEvents, _flowStreamResponse);
        await CloseAsync(_plainEvents, _plainResponse);
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [IterationSetup(Target = nameof(PlainKestrel))]
    public void SetupPlainIteration()
    {
        if (_plainEvents is null)
        {
            _plainResponse = _client.Send(new HttpRequestMessage(HttpMethod.Get, "/plain"), HttpCompletionOption.ResponseHeadersRead);
            _plainResponse.EnsureSuccessStatusCode();
            _plainEvents = SseParser.Create(_plainResponse.Content.ReadAsStream(), EventKinds.Parse).EnumerateAsync().GetAsyncEnumerator();
        }

        _gate = Take(_plainGates);
    }

    [IterationSetup(Target = nameof(FlowStreamExecution))]
    public void SetupFlowStreamIteration()
    {
        while (true)
        {
            if (_flowStreamEvents is null)
            {
                _flowStreamResponse = _client.Send(
                    new HttpRequestMessage(HttpMethod.Post, "/executions/stream") { Content = new StringContent($$"""{"flowId":"{{WorkflowId}}"}""", Encoding.UTF8, "application/json") },
                    HttpCompletionOption.ResponseHeadersRead);
                _flowStreamResponse.EnsureSuccessStatusCode();
                _flowStreamEvents = SseParser.Create(_flowStreamResponse.Content.ReadAsStream(), EventKinds.Parse).EnumerateAsync().GetAsyncEnumerator();
            }

            if (!_flowStreamEvents.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                throw new InvalidOperationException("The stream ended before executionFinished.");
            }

            var kind = _flowStreamEvents.Current.Data;
            if (kind == EventKind.NodeExecutionBefore)
            {
                break;
            }

            if (kind == EventKind.ExecutionFinished)
            {
                // The chain is done: the next iterations use a new execution.
                CloseAsync(_flowStreamEvents, _flowStreamResponse).AsTask().GetAwaiter().GetResult();
                _flowStreamEvents = null;
            }
        }

        _gate = Take(_nodeGates);
    }

    /// <summary>Gate → the endpoint writes and flushes one pre-serialized <c>nodeExecutionAfter</c> → the client has parsed it.</summary>
    [Benchmark(Baseline = true)]
    public ValueTask<int> PlainKestrel() => CompleteAndReceiveAsync(_plainEvents!);

    /// <summary>Gate → the node completes, the engine publishes its <c>nodeExecutionAfter</c>, the streamer sends it → the client has parsed it.</summary>
    [Benchmark]
    public ValueTask<int> FlowStreamExecution() => CompleteAndReceiveAsync(_flowStreamEvents!);

    private async ValueTask<int> CompleteAndReceiveAsync(IAsyncEnumerator<SseItem<EventKind>> events)
    {
        _gate.SetResult();
        while (await events.MoveNextAsync())
        {
            if (events.Current.Data == EventKind.NodeExecutionAfter)
            {
                return 1;
            }
        }

        throw new InvalidOperationException("The stream ended before nodeExecutionAfter.");
    }

    private async Task PlainAsync(HttpContext context)
    {
        var writer = await BenchmarkServer.StartEventStreamAsync(context);
        await writer.FlushAsync(context.RequestAborted);
        while (!_stopping && !context.RequestAborted.IsCancellationRequested)
        {
            var gate = new TaskCompletionSource();
            _plainGates.Writer.TryWrite(gate);
            await gate.Task;
            BenchmarkServer.Write(writer, _afterFrame);
            await writer.FlushAsync(context.RequestAborted);
        }
    }

    private static TaskCompletionSource Take(Channel<TaskCompletionSource> gates)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return gates.Reader.ReadAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
    }

    private static async ValueTask CloseAsync(IAsyncEnumerator<SseItem<EventKind>>? events, HttpResponseMessage? response)
    {
        response?.Dispose();
        if (events is not null)
        {
            try
            {
                await events.DisposeAsync();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
            {
            }
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // Thousands of single-operation iterations: their distribution is the latency's distribution.
            if (!HostArguments.JobGiven)
            {
                AddJob(Job.Default
                    .WithStrategy(RunStrategy.Monitoring)
                    .WithLaunchCount(1)
                    .WithWarmupCount(200)
                    .WithIterationCount(3000)
                    .WithOutlierMode(OutlierMode.DontRemove));
            }

            AddColumn(StatisticColumn.Median, StatisticColumn.P95, new PercentileColumn(99), StatisticColumn.Max);
        }
    }
}
