using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using FlowStream.AspNetCore;
using FlowStream.Benchmarks.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlowStream.Benchmarks;

/// <summary>
/// Issue 6, benchmark 4: events/s received by a client that parses them with <see cref="SseParser"/>, from one execution that emits
/// 100,000 events (a node reporting 99,996 progress events, about 150 bytes on the wire each, plus the execution's and the node's
/// own four), through Kestrel on loopback over one HTTP/1.1 connection. One operation is one event received.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>PlainKestrel</c> (baseline): an endpoint writing the same pre-serialized SSE bytes, event by event, flushing whenever
/// 32 KiB are unflushed, which is FlowStream's policy when events are queued (<see cref="ExecutionStreamOptions.MaxUnflushedBytes"/>).</item>
/// <item><c>TypedResultsServerSentEvents</c>: <c>TypedResults.ServerSentEvents</c> over the same events, as <c>SseItem&lt;string&gt;</c>
/// built beforehand (JSON text and id), so none of its cost is serialization.</item>
/// <item><c>FlowStreamLive</c>: <c>POST /executions/stream</c>: the engine runs the workflow and its events go through the bus and
/// the streamer while the client reads.</item>
/// <item><c>FlowStreamReplay</c>: <c>GET /executions/{id}/stream</c> of a finished execution: the same path without the engine.</item>
/// <item><c>EngineOnly</c>: for reference, the engine producing the same execution's events with no HTTP and no subscriber (the
/// producer's share of <c>FlowStreamLive</c>).</item>
/// </list>
/// </remarks>
[MemoryDiagnoser]
public class EndToEndBenchmarks
{
    private const int EventCount = 100_000;
    private const string WorkflowId = "emit";

    private BenchmarkServer _server = null!;
    private WorkflowDefinition _workflow = null!;
    private HttpClient _client = null!;
    private byte[][] _frames = [];
    private SseItem<string>[] _items = [];
    private long _finishedExecutionId;
    private string _finishedExecutionToken = "";
    private int _maxUnflushedBytes;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var progress = JsonDocument.Parse("""{"delta":"lorem ipsum dolor"}""").RootElement.Clone();
        var workflow = _workflow = new WorkflowBuilder(WorkflowId).AddNode("Emit", "emit").Build();
        _maxUnflushedBytes = new ExecutionStreamOptions().MaxUnflushedBytes;
        _server = await BenchmarkServer.StartAsync(
            options => options.MaxFinishedExecutions = 2,
            flowStream => flowStream
                .AddInMemoryWorkflowStore(workflow)
                .AddNode("emit", (context, _) =>
                {
                    for (var i = 0; i < EventCount - 4; i++)
                    {
                        context.ReportProgress(progress);
                    }

                    return new(NodeResult.Success());
                }),
            app =>
            {
                app.MapGet("/plain", PlainAsync);
                app.MapGet("/typed", () => TypedResults.ServerSentEvents(new ArrayAsyncEnumerable<SseItem<string>>(_items)));
            });
        _client = _server.CreateClient();

        // The same events for every variant: those of one real execution.
        var events = new List<ExecutionEvent>(EventCount);
        await foreach (var executionEvent in _server.Engine.RunWithEventsAsync(workflow))
        {
            events.Add(executionEvent);
        }

        if (events.Count != EventCount)
        {
            throw new InvalidOperationException($"The workflow emitted {events.Count} events, not {EventCount}.");
        }

        _finishedExecutionId = events[0].ExecutionId;
        _finishedExecutionToken = _server.TokenFor(_finishedExecutionId);
        _frames = [.. events.Select(SseFramingBenchmarks.FrameWithSseEventWriter)];
        _items = [.. events.Select(e => new SseItem<string>(Encoding.UTF8.GetString(e.Utf8Json.Span)) { EventId = e.Sequence.ToString(CultureInfo.InvariantCulture) })];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = EventCount)]
    public Task<int> PlainKestrel() => ReceiveAsync(new HttpRequestMessage(HttpMethod.Get, "/plain"));

    [Benchmark(OperationsPerInvoke = EventCount)]
    public Task<int> TypedResultsServerSentEvents() => ReceiveAsync(new HttpRequestMessage(HttpMethod.Get, "/typed"));

    [Benchmark(OperationsPerInvoke = EventCount)]
    public Task<int> FlowStreamLive() => ReceiveAsync(new HttpRequestMessage(HttpMethod.Post, "/executions/stream")
    {
        Content = new StringContent($$"""{"flowId":"{{WorkflowId}}"}""", Encoding.UTF8, "application/json"),
    });

    [Benchmark(OperationsPerInvoke = EventCount)]
    public Task<int> FlowStreamReplay() => ReceiveAsync(new HttpRequestMessage(HttpMethod.Get, $"/executions/{_finishedExecutionId}/stream") { Headers = { { "FlowStream-Token", _finishedExecutionToken } } });

    [Benchmark(OperationsPerInvoke = EventCount)]
    public async Task<int> EngineOnly()
    {
        var execution = _server.Engine.Start(_workflow);
        if (await execution.Completion != ExecutionStatus.Success)
        {
            throw new InvalidOperationException($"The execution failed: {execution.ErrorMessage}");
        }

        return EventCount;
    }

    private async Task<int> ReceiveAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync();
            var count = 0;
            var last = EventKind.Other;
            await foreach (var item in SseParser.Create(stream, EventKinds.Parse).EnumerateAsync())
            {
                count++;
                last = item.Data;
            }

            if (count != EventCount || last != EventKind.ExecutionFinished)
            {
                throw new InvalidOperationException($"The client received {count} events ending with {last}, not {EventCount} ending with executionFinished.");
            }

            return count;
        }
    }

    private async Task PlainAsync(HttpContext context)
    {
        var writer = await BenchmarkServer.StartEventStreamAsync(context);
        var unflushed = 0;
        foreach (var frame in _frames)
        {
            BenchmarkServer.Write(writer, frame);
            unflushed += frame.Length;
            if (unflushed >= _maxUnflushedBytes)
            {
                unflushed = 0;
                await writer.FlushAsync(context.RequestAborted);
            }
        }

        await writer.FlushAsync(context.RequestAborted);
    }
}
