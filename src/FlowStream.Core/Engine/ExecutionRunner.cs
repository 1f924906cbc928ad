using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using FlowStream.Diagnostics;
using FlowStream.Events;
using FlowStream.Nodes;
using FlowStream.Serialization;
using FlowStream.Templates;
using FlowStream.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowStream.Engine;

/// <summary>
/// Runs one execution: the graph scheduler, the per-node retry/timeout/cancel logic, and the publication of its events.
/// </summary>
/// <remarks>
/// <para>One coordinator loop (<see cref="RunAsync"/>) owns the ready queue and starts nodes up to the degree of parallelism.
/// Node runs report back through a channel of node indexes; pause, resume and cancel wake the loop with <c>-1</c>.</para>
/// <para>Every event is serialized and published under <see cref="_lock"/>, so sequence numbers follow publication order and
/// node state, progress and events always agree.</para>
/// </remarks>
internal sealed class ExecutionRunner
{
    private const int WakeSignal = -1;

    private readonly Lock _lock = new();
    private readonly WorkflowEngine _engine;
    private readonly NodeSlot[] _slots;
    private readonly CancellationTokenSource _cts = new();
    private readonly Channel<int> _signals = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });
    private readonly TaskCompletionSource<ExecutionStatus> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _pausedAndIdle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ArrayBufferWriter<byte> _eventBuffer = new(512);
    private readonly Utf8JsonWriter _eventWriter;
    private readonly ILogger _logger;
    private readonly long _startTimestamp;
    private readonly int _maxDegreeOfParallelism;

    private IServiceProvider? _services;
    private Activity? _activity;
    private long _sequence;
    private bool _paused;
    private bool _cancelRequested;
    private bool _failed;
    private bool _finished;
    private string? _failureMessage;
    private string? _failedNode;
    private int _completedNodes;
    private int _passedNodes;
    private int _executedNodes;
    private long _executedMsTotal;

    public ExecutionRunner(WorkflowEngine engine, WorkflowGraph graph, long executionId, ExecutionRequest request, int maxDegreeOfParallelism)
    {
        _engine = engine;
        Graph = graph;
        ExecutionId = executionId;
        InputData = request.InputData.ValueKind == JsonValueKind.Undefined ? NodeResult.EmptyObject : request.InputData.Clone();
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
        _logger = engine.Logger;
        _eventWriter = new Utf8JsonWriter(_eventBuffer);
        _slots = new NodeSlot[graph.Nodes.Length];
        for (var i = 0; i < _slots.Length; i++)
        {
            _slots[i] = new NodeSlot();
        }

        StartedAt = engine.TimeProvider.GetUtcNow();
        _startTimestamp = engine.TimeProvider.GetTimestamp();
        Execution = new WorkflowExecution(this, graph.Definition, request);
    }

    public long ExecutionId { get; }

    public WorkflowGraph Graph { get; }

    public WorkflowExecution Execution { get; }

    public JsonElement InputData { get; }

    public DateTimeOffset StartedAt { get; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public ExecutionStatus Status { get; private set; } = ExecutionStatus.Running;

    public string? ErrorMessage { get; private set; }

    public Task<ExecutionStatus> Completion => _completion.Task;

    public int MaxDegreeOfParallelism => _maxDegreeOfParallelism;

    /// <summary>Completes the first time the coordinator waits while paused with no node running (a quiesced pause).</summary>
    internal Task PausedAndIdle => _pausedAndIdle.Task;

    /// <summary>Publishes <c>executionStarted</c> and sets the coordinator going on the thread pool.</summary>
    public void Start()
    {
        // The execution's activity is the parent of its node activities, but not the caller's current activity.
        var callerActivity = Activity.Current;
        _activity = FlowStreamTelemetry.ActivitySource.StartActivity("FlowStream.Execution", ActivityKind.Internal);
        _activity?.SetTag(FlowStreamTelemetry.WorkflowIdTag, Graph.Definition.Id);
        _activity?.SetTag(FlowStreamTelemetry.ExecutionIdTag, ExecutionId);
        lock (_lock)
        {
            Publish(ExecutionEventTypes.ExecutionStarted, new ExecutionStartedData
            {
                ExecutionId = ExecutionId,
                Mode = Execution.Mode,
                WorkflowId = Graph.Definition.Id,
                WorkflowName = Graph.Definition.Name,
                StartedAt = FormatTime(StartedAt),
                TotalNodes = _slots.Length,
            }, FlowStreamJsonContext.Default.ExecutionStartedData);
        }

        Log.ExecutionStarted(_logger, ExecutionId, Graph.Definition.Id, _slots.Length, _maxDegreeOfParallelism);
        _ = Task.Run(RunAsync);
        Activity.Current = callerActivity;
    }

    public bool Cancel()
    {
        lock (_lock)
        {
            if (_finished)
            {
                return false;
            }

            if (_cancelRequested)
            {
                return true;
            }

            _cancelRequested = true;
        }

        Log.CancelRequested(_logger, ExecutionId);
        _cts.Cancel();
        _signals.Writer.TryWrite(WakeSignal);
        return true;
    }

    public bool Pause()
    {
        lock (_lock)
        {
            if (_finished)
            {
                return false;
            }

            if (!_paused)
            {
                _paused = true;
                if (Status == ExecutionStatus.Running)
                {
                    Status = ExecutionStatus.Paused;
                }

                Publish(ExecutionEventTypes.ExecutionPaused, new ExecutionControlData { ExecutionId = ExecutionId }, FlowStreamJsonContext.Default.ExecutionControlData);
            }

            return true;
        }
    }

    public bool Resume()
    {
        lock (_lock)
        {
            if (_finished)
            {
                return false;
            }

            if (_paused)
            {
                _paused = false;
                if (Status == ExecutionStatus.Paused)
                {
                    Status = ExecutionStatus.Running;
                }

                Publish(ExecutionEventTypes.ExecutionResumed, new ExecutionControlData { ExecutionId = ExecutionId }, FlowStreamJsonContext.Default.ExecutionControlData);
            }
        }

        _signals.Writer.TryWrite(WakeSignal);
        return true;
    }

    public IReadOnlyList<NodeExecutionState> GetNodeStates()
    {
        lock (_lock)
        {
            var states = new NodeExecutionState[_slots.Length];
            for (var i = 0; i < _slots.Length; i++)
            {
                var slot = _slots[i];
                var node = Graph.Nodes[i];
                states[i] = new NodeExecutionState(node.Name, node.Type, slot.Status, slot.Attempts, slot.StartedAt, slot.FinishedAt, slot.Output, slot.ErrorMessage);
            }

            return states;
        }
    }

    public bool TryGetNodeOutput(string nodeName, out JsonElement output)
    {
        if (Graph.IndexByName.TryGetValue(nodeName, out var index))
        {
            lock (_lock)
            {
                if (_slots[index].Output is { } value)
                {
                    output = value;
                    return true;
                }
            }
        }

        output = default;
        return false;
    }

    public IReadOnlyDictionary<string, JsonElement> GetPredecessorOutputs(int index)
    {
        var predecessors = Graph.Predecessors[index];
        var outputs = new Dictionary<string, JsonElement>(predecessors.Length, StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var p in predecessors)
            {
                if (_slots[p].Output is { } output)
                {
                    outputs[Graph.Nodes[p].Name] = output;
                }
            }
        }

        return outputs;
    }

    public void PublishProgress(int index, JsonElement data)
    {
        var node = Graph.Nodes[index];
        var copy = data.ValueKind == JsonValueKind.Undefined ? NodeResult.EmptyObject : data;
        lock (_lock)
        {
            if (_slots[index].Status != NodeExecutionStatus.Running || _finished)
            {
                return;
            }

            Publish(ExecutionEventTypes.NodeExecutionProgress, new NodeExecutionProgressData { ExecutionId = ExecutionId, NodeName = node.Name, Data = copy }, FlowStreamJsonContext.Default.NodeExecutionProgressData);
        }
    }

    private async Task RunAsync()
    {
        var status = ExecutionStatus.Error;
        AsyncServiceScope scope = default;
        try
        {
            scope = _engine.ScopeFactory.CreateAsyncScope();
            _services = scope.ServiceProvider;

            var remaining = new int[_slots.Length];
            var ready = new PriorityQueue<int, int>();
            for (var i = 0; i < remaining.Length; i++)
            {
                remaining[i] = Graph.Predecessors[i].Length;
                if (remaining[i] == 0)
                {
                    ready.Enqueue(i, i);
                }
            }

            var running = 0;
            var reader = _signals.Reader;
            while (true)
            {
                while (running < _maxDegreeOfParallelism && ready.TryPeek(out var next, out _) && TryStartNode(next))
                {
                    ready.Dequeue();
                    running++;
                    _ = RunNodeAsync(next);

                    // Nodes that finished synchronously hand their successors over at once.
                    while (reader.TryRead(out var done))
                    {
                        if (done != WakeSignal)
                        {
                            running--;
                            OnNodeCompleted(done, remaining, ready);
                        }
                    }
                }

                if (running == 0 && (ready.Count == 0 || Volatile.Read(ref _cancelRequested) || Volatile.Read(ref _failed)))
                {
                    break;
                }

                if (running == 0)
                {
                    _pausedAndIdle.TrySetResult();
                }

                var signal = await reader.ReadAsync().ConfigureAwait(false);
                if (signal != WakeSignal)
                {
                    running--;
                    OnNodeCompleted(signal, remaining, ready);
                }
            }

            lock (_lock)
            {
                status = _cancelRequested && _passedNodes < _slots.Length ? ExecutionStatus.Canceled
                    : _failed ? ExecutionStatus.Error
                    : ExecutionStatus.Success;
            }
        }
        catch (Exception ex)
        {
            Log.SchedulerFailed(_logger, ExecutionId, ex);
            status = ExecutionStatus.Error;
            _failureMessage ??= $"The execution failed inside the scheduler: {ex.Message}";
        }
        finally
        {
            Finish(status);
            try
            {
                await scope.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Log.SchedulerFailed(_logger, ExecutionId, ex);
            }

            // Completion means: executionFinished is published and the execution's services are disposed.
            _engine.OnFinished(this);
            _completion.TrySetResult(status);
        }
    }

    /// <summary>
    /// Marks a node running and publishes its <c>nodeExecutionBefore</c>, unless the execution is paused, canceled or failed.
    /// The check and the event are one step under <see cref="_lock"/>: a failure, cancel or pause published by another thread
    /// is never followed by a node start.
    /// </summary>
    private bool TryStartNode(int index)
    {
        var node = Graph.Nodes[index];
        var slot = _slots[index];
        lock (_lock)
        {
            if (_paused || _cancelRequested || _failed)
            {
                return false;
            }

            slot.Status = NodeExecutionStatus.Running;
            slot.StartedAt = _engine.TimeProvider.GetUtcNow();
            slot.Attempts = 1;
            Publish(ExecutionEventTypes.NodeExecutionBefore, new NodeExecutionBeforeData
            {
                ExecutionId = ExecutionId,
                NodeName = node.Name,
                NodeType = node.Type,
                StartedAt = FormatTime(slot.StartedAt.Value),
                Attempt = 1,
            }, FlowStreamJsonContext.Default.NodeExecutionBeforeData);
            return true;
        }
    }

    private void OnNodeCompleted(int index, int[] remaining, PriorityQueue<int, int> ready)
    {
        if (!_slots[index].LetsSuccessorsRun)
        {
            return;
        }

        foreach (var successor in Graph.Successors[index])
        {
            if (--remaining[successor] == 0)
            {
                ready.Enqueue(successor, successor);
            }
        }
    }

    private async Task RunNodeAsync(int index)
    {
        var node = Graph.Nodes[index];
        var started = _engine.TimeProvider.GetTimestamp();
        JsonElement input = default;
        NodeOutcome outcome;
        var activity = FlowStreamTelemetry.ActivitySource.StartActivity("FlowStream.Node", ActivityKind.Internal);
        try
        {
            activity?.SetTag(FlowStreamTelemetry.NodeNameTag, node.Name);
            activity?.SetTag(FlowStreamTelemetry.NodeTypeTag, node.Type);
            input = MergeInput(index);
            outcome = node.Disabled
                ? new NodeOutcome(NodeExecutionStatus.Skipped, input, null)
                : await RunAttemptsAsync(index, input).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            outcome = new NodeOutcome(NodeExecutionStatus.Error, null, ex.Message);
        }

        var elapsed = _engine.TimeProvider.GetElapsedTime(started);
        activity?.SetTag(FlowStreamTelemetry.StatusTag, StatusText(outcome.Status));
        activity?.Dispose();
        Complete(index, outcome, elapsed);
        _signals.Writer.TryWrite(index);
    }

    private async ValueTask<NodeOutcome> RunAttemptsAsync(int index, JsonElement input)
    {
        var node = Graph.Nodes[index];
        var slot = _slots[index];
        var maxTries = node.Retry?.MaxTries ?? 1;
        if (!_engine.NodeTypes.TryGet(node.Type, out var registration))
        {
            return new NodeOutcome(NodeExecutionStatus.Error, null, $"Node type '{node.Type}' is not registered.");
        }

        for (var attempt = 1; ; attempt++)
        {
            string error;
            try
            {
                var parameters = Graph.HasTemplates[index]
                    ? TemplateResolver.Resolve(node.Parameters, new NodeTemplateScope(this, input))
                    : node.Parameters.ValueKind == JsonValueKind.Object ? node.Parameters : NodeResult.EmptyObject;
                var handler = registration.Factory(_services!);
                var context = new NodeExecutionContext(this, index, attempt, parameters, input, _services!, _engine.GetNodeLogger(node.Type));
                var result = await InvokeAsync(handler, context, node).ConfigureAwait(false);
                if (result is null)
                {
                    error = $"The handler of node type '{node.Type}' returned no result.";
                }
                else if (result.IsSuccess)
                {
                    return new NodeOutcome(NodeExecutionStatus.Success, result.Output, null);
                }
                else
                {
                    error = result.ErrorMessage!;
                }
            }
            catch (TemplateException ex)
            {
                // A template that does not resolve now will not resolve on a retry either.
                return new NodeOutcome(NodeExecutionStatus.Error, null, ex.Message);
            }
            catch (NodeTimeoutException)
            {
                error = $"Node '{node.Name}' timed out after {node.TimeoutMs} ms";
            }
            catch (OperationCanceledException) when (_cts.IsCancellationRequested)
            {
                return new NodeOutcome(NodeExecutionStatus.Canceled, null, $"Node '{node.Name}' was canceled.");
            }
            catch (Exception ex)
            {
                error = string.IsNullOrEmpty(ex.Message) ? ex.GetType().Name : ex.Message;
            }

            Log.NodeFailed(_logger, node.Name, ExecutionId, attempt, error);
            if (_cts.IsCancellationRequested)
            {
                return new NodeOutcome(NodeExecutionStatus.Canceled, null, $"Node '{node.Name}' was canceled.");
            }

            if (attempt >= maxTries)
            {
                return new NodeOutcome(NodeExecutionStatus.Error, null, error);
            }

            var retry = node.Retry!;
            var waitMs = (long)Math.Min(retry.WaitMs * Math.Pow(retry.BackoffMultiplier, attempt - 1), int.MaxValue);
            lock (_lock)
            {
                slot.Attempts = attempt + 1;
                Publish(ExecutionEventTypes.NodeExecutionRetry, new NodeExecutionRetryData
                {
                    ExecutionId = ExecutionId,
                    NodeName = node.Name,
                    Attempt = attempt,
                    Error = new ErrorData { Message = error },
                    WaitMs = waitMs,
                }, FlowStreamJsonContext.Default.NodeExecutionRetryData);
            }

            if (waitMs > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(waitMs), _engine.TimeProvider, _cts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return new NodeOutcome(NodeExecutionStatus.Canceled, null, $"Node '{node.Name}' was canceled.");
                }
            }
        }
    }

    /// <summary>
    /// Calls the handler with a token that fires on the node's timeout or the execution's cancellation, and stops waiting for it
    /// when that token fires, whether or not the handler observes it.
    /// </summary>
    private async ValueTask<NodeResult?> InvokeAsync(INodeHandler handler, NodeExecutionContext context, NodeDefinition node)
    {
        CancellationTokenSource? timeout = null;
        CancellationTokenSource? linked = null;
        var token = _cts.Token;
        if (node.TimeoutMs is { } timeoutMs)
        {
            timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(timeoutMs), _engine.TimeProvider);
            linked = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token, timeout.Token);
            token = linked.Token;
        }

        try
        {
            var pending = handler.ExecuteAsync(context, token);
            if (pending.IsCompleted)
            {
                return await pending.ConfigureAwait(false);
            }

            var task = pending.AsTask();
            try
            {
                return await task.WaitAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested && !task.IsCompleted)
            {
                Abandon(task, node, timeout?.IsCancellationRequested == true && !_cts.IsCancellationRequested ? "timed out" : "canceled");
                throw;
            }
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true && !_cts.IsCancellationRequested)
        {
            throw new NodeTimeoutException();
        }
        finally
        {
            linked?.Dispose();
            timeout?.Dispose();
        }
    }

    private void Abandon(Task task, NodeDefinition node, string outcome)
    {
        _ = task.ContinueWith(
            static (t, state) =>
            {
                var (runner, name, why) = ((ExecutionRunner, string, string))state!;
                Log.AbandonedHandlerFailed(runner._logger, name, runner.ExecutionId, why, t.Exception!.GetBaseException().Message);
            },
            (this, node.Name, outcome),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void Complete(int index, NodeOutcome outcome, TimeSpan elapsed)
    {
        var node = Graph.Nodes[index];
        var slot = _slots[index];
        var elapsedMs = (long)Math.Round(elapsed.TotalMilliseconds);
        var continued = outcome.Status == NodeExecutionStatus.Error && node.ContinueOnFail;
        var output = continued ? ErrorOutput(outcome.ErrorMessage!) : outcome.Output;
        lock (_lock)
        {
            slot.Status = outcome.Status;
            slot.FinishedAt = _engine.TimeProvider.GetUtcNow();
            slot.Output = output;
            slot.ErrorMessage = outcome.ErrorMessage;
            slot.LetsSuccessorsRun = outcome.Status is NodeExecutionStatus.Success or NodeExecutionStatus.Skipped || continued;
            _completedNodes++;
            if (slot.LetsSuccessorsRun)
            {
                _passedNodes++;
            }

            if (outcome.Status != NodeExecutionStatus.Skipped)
            {
                _executedNodes++;
                _executedMsTotal += elapsedMs;
            }

            if (outcome.Status == NodeExecutionStatus.Error && !continued && !_failed)
            {
                _failed = true;
                _failureMessage = outcome.ErrorMessage;
                _failedNode = node.Name;
            }

            var total = _slots.Length;
            var left = total - _completedNodes;
            long? estimate = _executedNodes == 0 ? null
                : (long)Math.Round((double)_executedMsTotal / _executedNodes * left / Math.Max(1, Math.Min(_maxDegreeOfParallelism, left)));
            Publish(ExecutionEventTypes.NodeExecutionAfter, new NodeExecutionAfterData
            {
                ExecutionId = ExecutionId,
                NodeName = node.Name,
                NodeType = node.Type,
                Status = StatusText(outcome.Status),
                Data = output,
                Error = outcome.ErrorMessage is { } message ? new ErrorData { Message = message } : null,
                ContinuedOnFail = continued ? true : null,
                Attempt = slot.Attempts,
                FinishedAt = FormatTime(slot.FinishedAt.Value),
                ExecutionTimeMs = elapsedMs,
                Progress = new ProgressData(_completedNodes, total, (int)(_completedNodes * 100L / total)),
                EstimatedRemainingMs = estimate,
            }, FlowStreamJsonContext.Default.NodeExecutionAfterData);
        }

        var tags = new TagList
        {
            { FlowStreamTelemetry.NodeTypeTag, node.Type },
            { FlowStreamTelemetry.StatusTag, StatusText(outcome.Status) },
        };
        FlowStreamTelemetry.Nodes.Add(1, tags);
        FlowStreamTelemetry.NodeDuration.Record(elapsed.TotalSeconds, tags);
    }

    private void Finish(ExecutionStatus status)
    {
        var elapsed = _engine.TimeProvider.GetElapsedTime(_startTimestamp);
        lock (_lock)
        {
            foreach (var slot in _slots)
            {
                if (slot.Status == NodeExecutionStatus.Pending)
                {
                    slot.Status = NodeExecutionStatus.Skipped;
                }
            }

            Status = status;
            FinishedAt = _engine.TimeProvider.GetUtcNow();
            ErrorMessage = status == ExecutionStatus.Error ? _failureMessage : null;
            Publish(ExecutionEventTypes.ExecutionFinished, new ExecutionFinishedData
            {
                ExecutionId = ExecutionId,
                Status = StatusText(status),
                FinishedAt = FormatTime(FinishedAt.Value),
                ExecutionTimeMs = (long)Math.Round(elapsed.TotalMilliseconds),
                Error = ErrorMessage is { } message ? new ErrorData { Message = message, NodeName = _failedNode } : null,
            }, FlowStreamJsonContext.Default.ExecutionFinishedData);
            _finished = true;
        }

        Log.ExecutionFinished(_logger, ExecutionId, StatusText(status), (long)elapsed.TotalMilliseconds);
        var tag = new KeyValuePair<string, object?>(FlowStreamTelemetry.StatusTag, StatusText(status));
        FlowStreamTelemetry.Executions.Add(1, tag);
        FlowStreamTelemetry.ExecutionDuration.Record(elapsed.TotalSeconds, tag);
        _activity?.SetTag(FlowStreamTelemetry.StatusTag, StatusText(status));
        _activity?.Dispose();
        _eventWriter.Dispose();
    }

    private JsonElement MergeInput(int index)
    {
        var predecessors = Graph.Predecessors[index];
        if (predecessors.Length == 0)
        {
            return NodeResult.EmptyObject;
        }

        lock (_lock)
        {
            if (predecessors.Length == 1)
            {
                return _slots[predecessors[0]].Output ?? NodeResult.EmptyObject;
            }

            var outputs = new JsonElement[predecessors.Length];
            for (var i = 0; i < predecessors.Length; i++)
            {
                outputs[i] = _slots[predecessors[i]].Output ?? NodeResult.EmptyObject;
            }

            return JsonMerge.MergeObjects(outputs);
        }
    }

    /// <summary>Serializes an event once and publishes it. The caller holds <see cref="_lock"/>.</summary>
    private void Publish<T>(string type, T payload, JsonTypeInfo<T> typeInfo)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "Events are published under the execution's lock.");
        if (_finished)
        {
            return;
        }

        _eventBuffer.ResetWrittenCount();
        _eventWriter.Reset(_eventBuffer);
        _eventWriter.WriteStartObject();
        _eventWriter.WriteString("type"u8, type);
        _eventWriter.WritePropertyName("data"u8);
        JsonSerializer.Serialize(_eventWriter, payload, typeInfo);
        _eventWriter.WriteEndObject();
        _eventWriter.Flush();
        var executionEvent = new ExecutionEvent(ExecutionId, ++_sequence, type, _eventBuffer.WrittenSpan.ToArray());
        _engine.EventBus.Publish(executionEvent);
        FlowStreamTelemetry.EventsPublished.Add(1);
    }

    private static JsonElement ErrorOutput(string message)
        => JsonSerializer.SerializeToElement(new ErrorOutputData { Error = new ErrorData { Message = message } }, FlowStreamJsonContext.Default.ErrorOutputData);

    /// <summary>Formats a time as <c>yyyy-MM-dd'T'HH:mm:ss.fff'Z'</c> (UTC, milliseconds truncated).</summary>
    /// <remarks>
    /// Twice per node: through the round-trip format's fast path ("O" gives <c>yyyy-MM-ddTHH:mm:ss.fffffffZ</c> for a UTC
    /// time) cut to milliseconds, rather than a custom format string, which is parsed on every call.
    /// </remarks>
    internal static string FormatTime(DateTimeOffset time)
    {
        Span<char> roundTrip = stackalloc char[28];
        time.UtcDateTime.TryFormat(roundTrip, out _, "O", CultureInfo.InvariantCulture);
        return string.Create(24, roundTrip[..23], static (span, head) =>
        {
            head.CopyTo(span);
            span[23] = 'Z';
        });
    }

    internal static string StatusText(NodeExecutionStatus status) => status switch
    {
        NodeExecutionStatus.Pending => "pending",
        NodeExecutionStatus.Running => "running",
        NodeExecutionStatus.Success => "success",
        NodeExecutionStatus.Error => "error",
        NodeExecutionStatus.Canceled => "canceled",
        _ => "skipped",
    };

    internal static string StatusText(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => "running",
        ExecutionStatus.Paused => "paused",
        ExecutionStatus.Success => "success",
        ExecutionStatus.Error => "error",
        _ => "canceled",
    };

    private sealed class NodeSlot
    {
        public NodeExecutionStatus Status;
        public int Attempts;
        public DateTimeOffset? StartedAt;
        public DateTimeOffset? FinishedAt;
        public JsonElement? Output;
        public string? ErrorMessage;
        public bool LetsSuccessorsRun;
    }

    private readonly record struct NodeOutcome(NodeExecutionStatus Status, JsonElement? Output, string? ErrorMessage);

    private sealed class NodeTimeoutException : Exception;

    /// <summary>The view of templates for one node: its merged input as <c>$json</c>.</summary>
    private sealed class NodeTemplateScope(ExecutionRunner runner, JsonElement json) : ITemplateScope
    {
        public JsonElement Json => json;

        public JsonElement InputData => runner.InputData;

        public bool TryGetNodeOutput(string nodeName, out JsonElement output) => runner.TryGetNodeOutput(nodeName, out output);
    }
}
