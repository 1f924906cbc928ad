using System.Runtime.CompilerServices;
using System.Diagnostics;
using System.Text.Json;
using FlowStream.Diagnostics;
using FlowStream.Events;
using FlowStream.Serialization;
using FlowStream.Templates;
using FlowStream.Validation;
using FlowStream.WireContract;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowStream.Engine;

/// <summary>
/// One execution: its lifecycle (start, drain, finish), control (cancel, pause, resume) and the publication of its events.
/// The graph bookkeeping is <see cref="GraphScheduler"/>, the attempts <see cref="NodeInvoker"/>, the node slots
/// <see cref="ExecutionState"/>, the JSON <see cref="EventJsonWriter"/>.
/// </summary>
/// <remarks>
/// <para>No coordinator thread: whoever finishes a node (the thread that started it, for a synchronous handler, or the one its
/// await resumes on) records it and starts what became ready, in a drain loop only one thread runs at a time. A synchronous
/// chain therefore runs in one loop without a single thread hop.</para>
/// <para>Every state change and every event happen under <see cref="_lock"/>, so sequence numbers follow publication order and
/// node state, progress and events always agree.</para>
/// </remarks>
internal sealed class ExecutionRun : IThreadPoolWorkItem
{
    private readonly Lock _lock = new();
    private readonly ExecutionEnvironment _env;
    private readonly GraphScheduler _scheduler;
    private readonly NodeInvoker _invoker;
    private readonly EventJsonWriter _writer;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource<ExecutionStatus> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<int> _skipped = [];
    private readonly INodeHandler?[] _handlers;
    private readonly long _startTimestamp;
    private readonly int _maxDegreeOfParallelism;
    private readonly string[]?[] _arrived;

    private IServiceScope? _scope;
    private Activity? _activity;
    private List<ExecutionRun>? _children;
    private long _sequence;
    private long _eventBytes;
    private long _unreportedBytes;
    private int _draining;
    private int _drainAgain;
    private bool _paused;
    private bool _cancelRequested;
    private bool _failed;
    private bool _aborted;
    private bool _finishing;
    private string? _failureMessage;
    private string? _failedNode;
    private int _executedNodes;
    private int _passedNodes;
    private Activity?[]? _nodeActivities;
    private long _executedMsTotal;

    public ExecutionRun(ExecutionEnvironment environment, WorkflowGraph graph, long executionId, ExecutionRequest request, int maxDegreeOfParallelism)
    {
        _env = environment;
        Graph = graph;
        ExecutionId = executionId;
        Request = request;
        InputData = request.InputData.ValueKind == JsonValueKind.Undefined ? NodeResult.EmptyObject : request.InputData.Clone();
        _maxDegreeOfParallelism = maxDegreeOfParallelism;
        _scheduler = new GraphScheduler(graph);
        _invoker = new NodeInvoker(this, environment);
        _writer = new EventJsonWriter(executionId, environment.Options.MaxEventDataBytes);
        _handlers = new INodeHandler?[graph.Handlers!.Value.TypeCount];
        _arrived = new string[]?[graph.Nodes.Length];
        State = new ExecutionState(graph.Nodes, environment.Time.GetUtcNow());
        _startTimestamp = environment.Time.GetTimestamp();
        InputBytes = EventJsonWriter.SizeOf(InputData);
        Execution = new WorkflowExecution(this);
    }

    public long ExecutionId { get; }

    public WorkflowGraph Graph { get; }

    public ExecutionRequest Request { get; }

    public WorkflowExecution Execution { get; }

    public JsonElement InputData { get; }

    public ExecutionState State { get; }

    public int MaxDegreeOfParallelism => _maxDegreeOfParallelism;

    public Task<ExecutionStatus> Completion => _completion.Task;

    public CancellationToken CancellationToken => _cts.Token;

    /// <summary>Gets the bytes this execution holds: its input data, its events and its node outputs.</summary>
    public long TotalBytes => InputBytes + Volatile.Read(ref _eventBytes) + State.OutputBytes;

    /// <summary>Gets the size of the execution's input data, which it retains until it is evicted.</summary>
    public int InputBytes { get; }

    /// <summary>Gets the execution's DI scope, created on first use.</summary>
    public IServiceProvider Services
    {
        get
        {
            var scope = Volatile.Read(ref _scope);
            if (scope is null)
            {
                lock (_lock)
                {
                    scope = _scope ??= _env.ScopeFactory.CreateScope();
                }
            }

            return scope.ServiceProvider;
        }
    }

    /// <summary>Publishes <c>executionStarted</c> and queues the first drain on the thread pool.</summary>
    public void Start()
    {
        var callerActivity = Activity.Current;
        if (FlowStreamTelemetry.ActivitySource.HasListeners())
        {
            _activity = FlowStreamTelemetry.ActivitySource.StartActivity("FlowStream.Execution", ActivityKind.Internal);
            _activity?.SetTag(FlowStreamTelemetry.WorkflowIdTag, Graph.Definition.Id);
            _activity?.SetTag(FlowStreamTelemetry.ExecutionIdTag, ExecutionId);
            Activity.Current = callerActivity;
        }

        lock (_lock)
        {
            Publish(WireNames.ExecutionStarted, _writer.ExecutionStarted(Request.Mode, Graph.Definition.Id, Graph.Definition.Name, State.StartedAt, Graph.Nodes.Length, Request.ParentExecutionId, Request.ParentNodeName));
        }

        _env.Metrics.ExecutionStarted();
        _env.Registry.AddBytes(InputBytes);
        Log.ExecutionStarted(_env.Logger, ExecutionId, Graph.Definition.Id, Graph.Nodes.Length, _maxDegreeOfParallelism);
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute() => Drain();

    public bool Cancel()
    {
        ExecutionRun[]? children;
        lock (_lock)
        {
            if (_finishing)
            {
                return false;
            }

            if (_cancelRequested)
            {
                return true;
            }

            _cancelRequested = true;
            children = _children?.ToArray();
        }

        Log.CancelRequested(_env.Logger, ExecutionId);
        _cts.Cancel();
        foreach (var child in children ?? [])
        {
            child.Cancel();
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    public bool Pause()
    {
        ExecutionRun[]? children;
        lock (_lock)
        {
            if (_finishing)
            {
                return false;
            }

            if (_paused)
            {
                return true;
            }

            _paused = true;
            State.SetStatus(State.Status with { Status = ExecutionStatus.Paused });
            Publish(WireNames.ExecutionPaused, _writer.ExecutionPaused());
            children = _children?.ToArray();
        }

        foreach (var child in children ?? [])
        {
            child.Pause();
        }

        return true;
    }

    public bool Resume()
    {
        ExecutionRun[]? children;
        lock (_lock)
        {
            if (_finishing)
            {
                return false;
            }

            if (!_paused)
            {
                return true;
            }

            _paused = false;
            State.SetStatus(State.Status with { Status = ExecutionStatus.Running });
            Publish(WireNames.ExecutionResumed, _writer.ExecutionResumed());
            children = _children?.ToArray();
        }

        foreach (var child in children ?? [])
        {
            child.Resume();
        }

        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    /// <summary>Registers a child execution (started by one of this execution's nodes): control reaches it too.</summary>
    public void AddChild(ExecutionRun child)
    {
        bool cancel, pause;
        lock (_lock)
        {
            (_children ??= []).Add(child);
            cancel = _cancelRequested;
            pause = _paused;
        }

        if (cancel)
        {
            child.Cancel();
        }
        else if (pause)
        {
            child.Pause();
        }
    }

    public ExecutionSnapshot GetSnapshot()
    {
        lock (_lock)
        {
            return State.GetSnapshot(_sequence);
        }
    }

    public bool TryGetNodeOutput(string nodeName, out JsonElement output)
    {
        if (Graph.IndexByName.TryGetValue(nodeName, out var index))
        {
            lock (_lock)
            {
                return State.TryGetOutput(index, out output);
            }
        }

        output = default;
        return false;
    }

    public IReadOnlyDictionary<string, JsonElement> GetArrivedOutputs(int index)
    {
        var outputs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        lock (_lock)
        {
            foreach (var p in Graph.Predecessors[index])
            {
                if (Arrived(p, index) && State.TryGetOutput(p, out var output))
                {
                    outputs.TryAdd(Graph.Nodes[p].Name, output);
                }
            }
        }

        return outputs;
    }

    public INodeHandler GetHandler(int index)
    {
        var (registrations, slots, _) = Graph.Handlers!.Value;
        ref var handler = ref _handlers[slots[index]];
        return handler ??= registrations[index].Factory(Services);
    }

    public ILogger GetNodeLogger(int index) => _env.GetNodeLogger(Graph.Nodes[index].Type);

    public ITemplateScope CreateTemplateScope(JsonElement json) => new NodeTemplateScope(this, json);

    public void PublishProgress(NodeExecutionContext context, int index, JsonElement data)
    {
        lock (_lock)
        {
            if (context.HasEnded || _finishing || State[index].Status != NodeExecutionStatus.Running)
            {
                return;
            }

            Publish(WireNames.NodeExecutionProgress, _writer.NodeProgress(Graph.EncodedNames[index], data.ValueKind == JsonValueKind.Undefined ? NodeResult.EmptyObject : data));
        }
    }

    public void AnnounceRetry(int index, int attempt, string error, long waitMs)
    {
        lock (_lock)
        {
            State.SetAttempts(index, attempt + 1);
            Publish(WireNames.NodeExecutionRetry, _writer.NodeRetry(Graph.EncodedNames[index], attempt, error, waitMs));
        }
    }

    /// <summary>Starts every node that may start, records the ones that finish synchronously, and finishes the execution when nothing is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Drain()
    {
        if (Interlocked.Exchange(ref _draining, 1) != 0)
        {
            Volatile.Write(ref _drainAgain, 1);
            return;
        }

        while (true)
        {
            Volatile.Write(ref _drainAgain, 0);
            try
            {
                while (TryStartNext(out var index, out var input))
                {
                    var pending = _invoker.InvokeAsync(index, input);
                    if (pending.IsCompleted)
                    {
                        Complete(index, pending.Result);
                    }
                    else
                    {
                        _ = AwaitNodeAsync(index, pending);
                    }
                }
            }
            catch (Exception ex)
            {
                Log.SchedulerFailed(_env.Logger, ExecutionId, ex);
                Abort($"The execution failed inside the scheduler: {ex.Message}");
            }

            if (TryBeginFinish())
            {
                Finish();
                return;
            }

            Volatile.Write(ref _draining, 0);
            if (Volatile.Read(ref _drainAgain) == 0 || Interlocked.Exchange(ref _draining, 1) != 0)
            {
                return;
            }
        }
    }

    private async Task AwaitNodeAsync(int index, ValueTask<NodeOutcome> pending)
    {
        NodeOutcome outcome;
        try
        {
            outcome = await pending.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            outcome = NodeOutcome.Error(ex.Message);
        }

        Complete(index, outcome);
        Drain();
    }

    /// <summary>Takes the next ready node and publishes its <c>nodeExecutionBefore</c>, unless the execution is paused, canceled, failed or at its parallelism.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryStartNext(out int index, out JsonElement input)
    {
        lock (_lock)
        {
            while (!_paused && !_cancelRequested && !_failed && State.Running < _maxDegreeOfParallelism && _scheduler.TryTake(out index))
            {
                var node = Graph.Nodes[index];
                var now = _env.Time.GetUtcNow();
                input = MergeInput(index);
                Publish(WireNames.NodeExecutionBefore, _writer.NodeBefore(Graph.EncodedNames[index], Graph.EncodedTypes[index], now, 1, node.Disabled ? WireNames.ReasonDisabled : null));
                if (node.Disabled)
                {
                    // A disabled node does not run: before + after (skipped), and its input passes through.
                    State[index].Attempts = 1;
                    CompleteLocked(index, new NodeOutcome(NodeExecutionStatus.Skipped, input, null, [NodeOutputs.Main]), now, TimeSpan.Zero, WireNames.ReasonDisabled, wasRunning: false);
                    continue;
                }

                State.MarkRunning(index, now);
                StartNodeActivity(index);
                return true;
            }

            index = -1;
            input = default;
            return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Complete(int index, NodeOutcome outcome)
    {
        lock (_lock)
        {
            // One clock read for the node's finish time and its duration.
            var now = _env.Time.GetUtcNow();
            CompleteLocked(index, outcome, now, now - (State[index].StartedAt ?? State.StartedAt), null, wasRunning: true);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CompleteLocked(int index, NodeOutcome outcome, DateTimeOffset now, TimeSpan elapsed, string? reason, bool wasRunning)
    {
        var node = Graph.Nodes[index];
        var isError = outcome.Status == NodeExecutionStatus.Error;
        var toErrorOutput = isError && node.OnError == NodeErrorHandling.ErrorOutput;
        var continued = isError && !toErrorOutput && node.ContinueOnFail;
        var output = toErrorOutput || continued ? ErrorOutput(outcome.ErrorMessage!) : outcome.Output;
        string[]? outputs = outcome.Status is NodeExecutionStatus.Success or NodeExecutionStatus.Skipped ? outcome.Outputs
            : toErrorOutput ? [NodeOutputs.Error]
            : continued ? [NodeOutputs.Main]
            : null;
        var elapsedMs = (long)Math.Round(elapsed.TotalMilliseconds);
        State.MarkFinished(index, outcome.Status, output, output is { } o ? EventJsonWriter.SizeOf(o) : 0, outcome.ErrorMessage, now, wasRunning);
        if (outcome.Status != NodeExecutionStatus.Skipped)
        {
            _executedNodes++;
            _executedMsTotal += elapsedMs;
        }

        if (isError && !continued && !toErrorOutput && !_failed)
        {
            _failed = true;
            _failureMessage = outcome.ErrorMessage;
            _failedNode = node.Name;
        }

        var status = StatusText(outcome.Status);
        PublishAfter(index, status, reason, outcome.Status == NodeExecutionStatus.Success || toErrorOutput ? outputs : null, output, outcome.ErrorMessage, continued, elapsedMs, now);
        _env.Metrics.NodeFinished(node.Type, status, elapsed, Graph.Definition.Id);

        EndNodeActivity(index, status);
        if (outputs is not null)
        {
            _passedNodes++;
            _arrived[index] = outputs;
        }

        // Once the execution has failed or been canceled nothing more is decided: nodes after this one get no events, whether they
        // would run or be skipped (as a disabled node that never starts gets none).
        if (outputs is not null && !_failed && !_cancelRequested)
        {
            _skipped.Clear();
            _scheduler.Settle(index, outputs, _skipped);
            foreach (var skipped in _skipped)
            {
                // A node on a branch not taken: before + after (skipped), and that propagates (the scheduler already settled its edges).
                Publish(WireNames.NodeExecutionBefore, _writer.NodeBefore(Graph.EncodedNames[skipped], Graph.EncodedTypes[skipped], now, 1, WireNames.ReasonBranchNotTaken));
                State.MarkFinished(skipped, NodeExecutionStatus.Skipped, null, 0, null, now, wasRunning: false);
                _passedNodes++;
                PublishAfter(skipped, WireNames.StatusSkipped, WireNames.ReasonBranchNotTaken, null, null, null, false, 0, now);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void PublishAfter(int index, string status, string? reason, string[]? outputs, JsonElement? data, string? error, bool continued, long elapsedMs, DateTimeOffset now)
    {
        var total = State.Total;
        var left = total - State.Completed;
        long? estimate = _executedNodes == 0 ? null
            : (long)Math.Round((double)_executedMsTotal / _executedNodes * left / Math.Max(1, Math.Min(_maxDegreeOfParallelism, left)));
        Publish(WireNames.NodeExecutionAfter, _writer.NodeAfter(new NodeAfterEvent
        {
            NodeName = Graph.EncodedNames[index],
            NodeType = Graph.EncodedTypes[index],
            Status = status,
            Reason = reason,
            Outputs = outputs,
            Data = data,
            ErrorMessage = error,
            ContinuedOnFail = continued,
            Attempt = Math.Max(1, State[index].Attempts),
            FinishedAt = now,
            ExecutionTimeMs = elapsedMs,
            Completed = State.Completed,
            Total = total,
            EstimatedRemainingMs = estimate,
        }));
    }

    private void StartNodeActivity(int index)
    {
        if (_activity is null && !FlowStreamTelemetry.ActivitySource.HasListeners())
        {
            return;
        }

        // The execution's activity is the parent of its node activities, whatever activity the calling thread has.
        var callerActivity = Activity.Current;
        Activity.Current = _activity;
        var activity = FlowStreamTelemetry.ActivitySource.StartActivity("FlowStream.Node", ActivityKind.Internal);
        Activity.Current = callerActivity;
        if (activity is not null)
        {
            activity.SetTag(FlowStreamTelemetry.NodeNameTag, Graph.Nodes[index].Name);
            activity.SetTag(FlowStreamTelemetry.NodeTypeTag, Graph.Nodes[index].Type);
            (_nodeActivities ??= new Activity?[Graph.Nodes.Length])[index] = activity;
        }
    }

    private void EndNodeActivity(int index, string status)
    {
        if (_nodeActivities?[index] is { } activity)
        {
            _nodeActivities[index] = null;
            activity.SetTag(FlowStreamTelemetry.StatusTag, status);
            activity.Dispose();
        }
    }

    /// <summary>Decides, under the lock, whether the execution is over: nothing running, and nothing left that may start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryBeginFinish()
    {
        lock (_lock)
        {
            if (_finishing || State.Running > 0)
            {
                return false;
            }

            if (!_cancelRequested && !_failed && _scheduler.ReadyCount > 0)
            {
                return false; // paused with work left (a drain while unpaused would have started it)
            }

            _finishing = true;
            return true;
        }
    }

    private void Finish()
    {
        var elapsed = _env.Time.GetElapsedTime(_startTimestamp);
        ExecutionStatus status;
        lock (_lock)
        {
            status = _aborted ? ExecutionStatus.Error
                : _cancelRequested && _passedNodes < State.Total ? ExecutionStatus.Canceled
                : _failed ? ExecutionStatus.Error
                : ExecutionStatus.Success;
            State.SkipPending();
            var now = _env.Time.GetUtcNow();
            var error = status == ExecutionStatus.Error ? _failureMessage : null;
            State.SetStatus(new StatusInfo(status, now, error, error is null ? null : _failedNode));
            Publish(WireNames.ExecutionFinished, _writer.ExecutionFinished(StatusText(status), now, (long)Math.Round(elapsed.TotalMilliseconds), error, error is null ? null : _failedNode));
        }

        _writer.Dispose();
        ReportBytes();
        var statusText = StatusText(status);
        Log.ExecutionFinished(_env.Logger, ExecutionId, statusText, (long)elapsed.TotalMilliseconds);
        _env.Metrics.ExecutionFinished(statusText, elapsed, Graph.Definition.Id);
        _activity?.SetTag(FlowStreamTelemetry.StatusTag, statusText);
        _activity?.Dispose();

        var scope = Volatile.Read(ref _scope);
        if (scope is null)
        {
            Completed(status);
        }
        else
        {
            _ = DisposeScopeThenCompleteAsync(scope, status);
        }
    }

    private async Task DisposeScopeThenCompleteAsync(IServiceScope scope, ExecutionStatus status)
    {
        try
        {
            if (scope is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                scope.Dispose();
            }
        }
        catch (Exception ex)
        {
            Log.SchedulerFailed(_env.Logger, ExecutionId, ex);
        }

        Completed(status);
    }

    private void Completed(ExecutionStatus status)
    {
        // Completion means: executionFinished is published and the execution's services are disposed.
        _env.Registry.OnFinished(this);
        _completion.TrySetResult(status);
    }

    /// <summary>Fails the execution from outside the graph (its deadline, its byte budget): nothing new starts, running nodes are canceled.</summary>
    public bool Abort(string message)
    {
        lock (_lock)
        {
            if (_finishing)
            {
                return false;
            }

            if (_aborted)
            {
                return true;
            }

            _aborted = true;
            _failed = true;
            _failureMessage = message;
            _failedNode = null;
        }

        _cts.Cancel();
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private JsonElement MergeInput(int index)
    {
        var predecessors = Graph.Predecessors[index];
        if (predecessors.Length == 0)
        {
            return NodeResult.EmptyObject;
        }

        if (predecessors.Length == 1)
        {
            return State[predecessors[0]].Output ?? NodeResult.EmptyObject;
        }

        var list = new List<JsonElement>(predecessors.Length);
        var seen = new HashSet<int>();
        foreach (var p in predecessors)
        {
            if (seen.Add(p) && Arrived(p, index) && State[p].Output is { } output)
            {
                list.Add(output);
            }
        }

        return list.Count == 1 ? list[0] : JsonMerge.MergeObjects(list.ToArray());
    }

    /// <summary>Gets whether a connection from <paramref name="from"/> to <paramref name="to"/> carried <paramref name="from"/>'s output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Arrived(int from, int to)
    {
        if (_arrived[from] is not { } taken)
        {
            return false;
        }

        var successors = Graph.Successors[from];
        var outputs = Graph.SuccessorOutputs[from];
        for (var e = 0; e < successors.Length; e++)
        {
            if (successors[e] == to && Array.IndexOf(taken, outputs[e]) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Appends an event. The caller holds <see cref="_lock"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Publish(string type, ReadOnlySpan<byte> utf8Json)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "Events are published under the execution's lock.");
        _env.Events.Append(ExecutionId, ++_sequence, type, utf8Json);
        _eventBytes += utf8Json.Length;
        _unreportedBytes += utf8Json.Length;
        _env.Metrics.EventsPublished(1);
        if (_unreportedBytes >= 64 * 1024)
        {
            ReportBytes();
        }

        if (!_aborted && !_finishing && _eventBytes + State.OutputBytes > _env.Options.MaxExecutionBytes)
        {
            _aborted = true;
            _failed = true;
            _failureMessage = $"The execution produced more than {_env.Options.MaxExecutionBytes} bytes of events and outputs (FlowStreamOptions.MaxExecutionBytes).";
            _failedNode = null;
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Cancel(), _cts, preferLocal: false);
        }
    }

    private void ReportBytes()
    {
        var bytes = Interlocked.Exchange(ref _unreportedBytes, 0);
        if (bytes > 0)
        {
            _env.Registry.AddBytes(bytes);
        }
    }

    private static JsonElement ErrorOutput(string message)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(64 + message.Length);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = EventJsonWriter.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error"u8);
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, FlowStreamJsonContext.Default.JsonElement);
    }

    internal static string StatusText(NodeExecutionStatus status) => status switch
    {
        NodeExecutionStatus.Pending => WireNames.StatusPending,
        NodeExecutionStatus.Running => WireNames.StatusRunning,
        NodeExecutionStatus.Success => WireNames.StatusSuccess,
        NodeExecutionStatus.Error => WireNames.StatusError,
        NodeExecutionStatus.Canceled => WireNames.StatusCanceled,
        _ => WireNames.StatusSkipped,
    };

    internal static string StatusText(ExecutionStatus status) => status switch
    {
        ExecutionStatus.Running => WireNames.StatusRunning,
        ExecutionStatus.Paused => WireNames.StatusPaused,
        ExecutionStatus.Success => WireNames.StatusSuccess,
        ExecutionStatus.Error => WireNames.StatusError,
        _ => WireNames.StatusCanceled,
    };

    /// <summary>The view of templates for one node: its merged input as <c>$json</c>.</summary>
    private sealed class NodeTemplateScope(ExecutionRun run, JsonElement json) : ITemplateScope
    {
        public JsonElement Json => json;

        public JsonElement InputData => run.InputData;

        public bool TryGetNodeOutput(string nodeName, out JsonElement output) => run.TryGetNodeOutput(nodeName, out output);
    }
}
