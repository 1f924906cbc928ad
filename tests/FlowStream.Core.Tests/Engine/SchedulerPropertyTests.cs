using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Engine;

/// <summary>
/// Property test of the scheduler: random DAGs (1–60 nodes, shuffled definition order, random parallelism, failing, flaky,
/// continue-on-fail and disabled nodes, handlers that complete synchronously or asynchronously), each run checked against the
/// wire-contract guarantees and a small reference model.
/// </summary>
/// <remarks>
/// The DAGs come from a master seed, random unless <c>FLOWSTREAM_PROPERTY_SEED</c> is set. On failure the seed, the DAG (also as
/// workflow JSON) and the events are written to the test output; set the variable to the logged seed to replay the same DAGs.
/// (Thread interleavings are not replayed, only the DAGs.)
/// </remarks>
public class SchedulerPropertyTests
{
    private const string SeedVariable = "FLOWSTREAM_PROPERTY_SEED";
    private const int Shards = 3;
    private const int DagsPerShard = 100;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Random_dags_keep_the_scheduler_guarantees(int shard)
    {
        shard.Should().BeInRange(0, Shards - 1);
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        var master = ReadMasterSeed();
        var shardRandom = new Random(unchecked(master + (shard * 1_000_003)));
        output.WriteLine($"master seed {master} (replay: {SeedVariable}={master}), shard {shard}, {DagsPerShard} DAGs");

        var probe = new ConcurrencyProbe();
        var stats = new Stats();
        await using var host = TestEngine.Create(builder => RegisterTestNodes(builder, probe));
        for (var run = 0; run < DagsPerShard; run++)
        {
            var dagSeed = shardRandom.Next();
            var dag = Dag.Generate(new Random(dagSeed));
            probe.Reset();
            List<ExecutionEvent>? events = null;
            try
            {
                // A safety net against a hung scheduler, not a wait: a healthy run takes milliseconds.
                using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                watchdog.CancelAfter(TimeSpan.FromSeconds(30));
                WorkflowExecution execution;
                (events, execution) = await RunAsync(host, dag, useRunWithEvents: run % 2 == 0, watchdog.Token);
                Check(dag, events, execution, probe.Max);
                stats.Add(dag, events);
            }
            catch (Exception)
            {
                output.WriteLine($"FAILED: master seed {master} ({SeedVariable}={master}), shard {shard}, run {run}, DAG seed {dagSeed}");
                output.WriteLine(dag.Describe());
                output.WriteLine($"handler concurrency observed: {probe.Max}");
                output.WriteLine("events:");
                foreach (var e in events ?? [])
                {
                    output.WriteLine($"  {e.Sequence,4} {e}");
                }

                throw;
            }
        }

        output.WriteLine(stats.ToString());
    }

    private static int ReadMasterSeed()
    {
        var text = Environment.GetEnvironmentVariable(SeedVariable);
        return string.IsNullOrWhiteSpace(text) ? Random.Shared.Next() : int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
    }

    private static async Task<(List<ExecutionEvent> Events, WorkflowExecution Execution)> RunAsync(TestEngine host, Dag dag, bool useRunWithEvents, CancellationToken cancellationToken)
    {
        var request = new ExecutionRequest { MaxDegreeOfParallelism = dag.Parallelism };
        if (useRunWithEvents)
        {
            var events = await host.Engine.RunWithEventsAsync(dag.Workflow, request, cancellationToken).ToListAsync(cancellationToken);
            events.Should().NotBeEmpty();
            host.Engine.TryGetExecution(events[0].ExecutionId, out var found).Should().BeTrue();
            return (events, found!);
        }

        var execution = host.Engine.Start(dag.Workflow, request);
        return (await host.CollectAsync(execution.Id, 0, cancellationToken), execution);
    }

    /// <summary>What the DAGs of a shard exercised, so a reader can see the generator covers every case.</summary>
    private sealed class Stats
    {
        private int _success;
        private int _error;
        private int _sequential;
        private int _nodesStarted;
        private int _syncStarts;
        private int _asyncStarts;
        private int _continued;
        private int _skipped;
        private int _retries;

        public void Add(Dag dag, List<ExecutionEvent> events)
        {
            _ = events[^1].Data.GetProperty("status").GetString() == "success" ? _success++ : _error++;
            _sequential += dag.Parallelism == 1 ? 1 : 0;
            foreach (var e in events)
            {
                if (e.Type == ExecutionEventTypes.NodeExecutionBefore)
                {
                    _nodesStarted++;
                    _ = dag.Nodes[dag.IndexOf(e.Data.GetProperty("nodeName").GetString()!)].Async ? _asyncStarts++ : _syncStarts++;
                }
                else if (e.Type == ExecutionEventTypes.NodeExecutionRetry)
                {
                    _retries++;
                }
                else if (e.Type == ExecutionEventTypes.NodeExecutionAfter)
                {
                    _continued += e.Data.TryGetProperty("continuedOnFail", out _) ? 1 : 0;
                    _skipped += e.Data.GetProperty("status").GetString() == "skipped" ? 1 : 0;
                }
            }
        }

        public override string ToString()
            => $"runs: {_success} success, {_error} error, {_sequential} with parallelism 1; nodes started: {_nodesStarted} ({_syncStarts} sync, {_asyncStarts} async handlers), {_continued} continued on fail, {_skipped} disabled, {_retries} retries";
    }

    // ----- test node types ------------------------------------------------------------------------------------------------

    /// <summary>
    /// "ok" succeeds; "fail" fails on every attempt; "flaky" fails on its first <c>failTimes</c> attempts. A node fails by
    /// returning <see cref="NodeResult.Failure"/> or, with <c>throw</c>, by throwing; with <c>async</c> the handler first
    /// yields (<see cref="Task.Yield"/>), otherwise it completes (or throws) synchronously.
    /// </summary>
    private static void RegisterTestNodes(FlowStreamBuilder builder, ConcurrencyProbe probe)
    {
        builder.AddNode("ok", (context, _) => Execute(probe, context, alwaysFails: false));
        builder.AddNode("flaky", (context, _) => Execute(probe, context, alwaysFails: false));
        builder.AddNode("fail", (context, _) => Execute(probe, context, alwaysFails: true));
    }

    private static ValueTask<NodeResult> Execute(ConcurrencyProbe probe, NodeExecutionContext context, bool alwaysFails)
    {
        var parameters = context.Parameters;
        var fails = alwaysFails || context.Attempt <= parameters.GetProperty("failTimes").GetInt32();
        var throws = parameters.GetProperty("throw").GetBoolean();
        if (parameters.GetProperty("async").GetBoolean())
        {
            return ExecuteAsync(probe, context.Node.Name, context.Attempt, fails, throws);
        }

        probe.Enter();
        try
        {
            return ValueTask.FromResult(Outcome(context.Node.Name, context.Attempt, fails, throws));
        }
        finally
        {
            probe.Exit();
        }
    }

    private static async ValueTask<NodeResult> ExecuteAsync(ConcurrencyProbe probe, string name, int attempt, bool fails, bool throws)
    {
        probe.Enter();
        try
        {
            await Task.Yield();
            return Outcome(name, attempt, fails, throws);
        }
        finally
        {
            probe.Exit();
        }
    }

    private static NodeResult Outcome(string name, int attempt, bool fails, bool throws)
    {
        if (!fails)
        {
            return NodeResult.Success(JsonDocument.Parse($$"""{"by":"{{name}}"}""").RootElement);
        }

        var message = FailureMessage(name, attempt);
        return throws ? throw new InvalidOperationException(message) : NodeResult.Failure(message);
    }

    private static string FailureMessage(string name, int attempt) => $"{name} failed on attempt {attempt}";

    private sealed class ConcurrencyProbe
    {
        private int _current;
        private int _max;

        public int Max => Volatile.Read(ref _max);

        public void Reset()
        {
            Volatile.Write(ref _current, 0);
            Volatile.Write(ref _max, 0);
        }

        public void Enter()
        {
            var current = Interlocked.Increment(ref _current);
            int max;
            while ((max = Volatile.Read(ref _max)) < current && Interlocked.CompareExchange(ref _max, current, max) != max)
            {
            }
        }

        public void Exit() => Interlocked.Decrement(ref _current);
    }

    // ----- checks ------------------------------------------------------------------------------------------------------------

    private static void Check(Dag dag, List<ExecutionEvent> events, WorkflowExecution execution, int handlerConcurrency)
    {
        var n = dag.Nodes.Count;

        // Sequence numbers 1..n without gaps; one executionStarted first, one executionFinished last.
        events.Should().NotBeEmpty();
        for (var i = 0; i < events.Count; i++)
        {
            events[i].Sequence.Should().Be(i + 1, "sequence numbers run 1..n without gaps");
            events[i].ExecutionId.Should().Be(execution.Id);
        }

        events[0].Type.Should().Be(ExecutionEventTypes.ExecutionStarted);
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        events.Count(e => e.Type == ExecutionEventTypes.ExecutionStarted).Should().Be(1);
        events.Count(e => e.Type == ExecutionEventTypes.ExecutionFinished).Should().Be(1);
        events[0].Data.GetProperty("totalNodes").GetInt32().Should().Be(n);

        // Walk the events: one before and one after per started node, before first; retries only while the node runs;
        // at most `parallelism` nodes between their before and after at any point.
        var before = Enumerable.Repeat(-1, n).ToArray();
        var after = Enumerable.Repeat(-1, n).ToArray();
        var retries = new int[n];
        var beforeOrder = new List<int>();
        var running = 0;
        var maxRunning = 0;
        for (var position = 1; position < events.Count - 1; position++)
        {
            var e = events[position];
            var data = e.Data;
            switch (e.Type)
            {
                case ExecutionEventTypes.NodeExecutionBefore:
                {
                    var node = dag.IndexOf(data.GetProperty("nodeName").GetString()!);
                    before[node].Should().Be(-1, $"{dag.Nodes[node].Name} has one nodeExecutionBefore");
                    data.GetProperty("attempt").GetInt32().Should().Be(1);
                    before[node] = position;
                    beforeOrder.Add(node);
                    maxRunning = Math.Max(maxRunning, ++running);
                    break;
                }

                case ExecutionEventTypes.NodeExecutionAfter:
                {
                    var node = dag.IndexOf(data.GetProperty("nodeName").GetString()!);
                    before[node].Should().BeGreaterThan(-1, $"the nodeExecutionBefore of {dag.Nodes[node].Name} precedes its nodeExecutionAfter");
                    after[node].Should().Be(-1, $"{dag.Nodes[node].Name} has one nodeExecutionAfter");
                    after[node] = position;
                    running--;
                    break;
                }

                case ExecutionEventTypes.NodeExecutionRetry:
                {
                    var node = dag.IndexOf(data.GetProperty("nodeName").GetString()!);
                    (before[node] > -1 && after[node] == -1).Should().BeTrue($"retries of {dag.Nodes[node].Name} come while it runs");
                    data.GetProperty("attempt").GetInt32().Should().Be(++retries[node]);
                    data.GetProperty("waitMs").GetInt64().Should().Be(0);
                    break;
                }

                default:
                    throw new InvalidOperationException($"Unexpected event {e.Sequence}: {e}");
            }
        }

        maxRunning.Should().BeLessThanOrEqualTo(dag.Parallelism, "no more nodes run at once than the degree of parallelism");
        handlerConcurrency.Should().BeLessThanOrEqualTo(dag.Parallelism, "no more handlers run at once than the degree of parallelism");

        // Every after agrees with the model: status, continuedOnFail, error output, attempts.
        var letsSuccessorsRun = new bool[n];
        var stoppedExecution = new List<int>();
        for (var i = 0; i < n; i++)
        {
            var node = dag.Nodes[i];
            (before[i] == -1).Should().Be(after[i] == -1, $"{node.Name} has a nodeExecutionAfter iff it has a nodeExecutionBefore");
            if (after[i] == -1)
            {
                continue;
            }

            var data = events[after[i]].Data;
            var status = data.GetProperty("status").GetString();
            var continued = data.TryGetProperty("continuedOnFail", out var c) && c.ValueKind == JsonValueKind.True;
            var attempt = data.GetProperty("attempt").GetInt32();
            status.Should().Be(node.ExpectedStatus, $"that is what {node.Name} does");
            attempt.Should().Be(node.ExpectedAttempts, $"{node.Name} is tried that often");
            retries[i].Should().Be(attempt - 1, $"each retry of {node.Name} is announced");
            if (status == "error")
            {
                var message = data.GetProperty("error").GetProperty("message").GetString();
                message.Should().Be(FailureMessage(node.Name, attempt));
                continued.Should().Be(node.ContinueOnFail);
                if (continued)
                {
                    data.GetProperty("data").GetProperty("error").GetProperty("message").GetString().Should().Be(message, "a continued error becomes the output");
                }
                else
                {
                    stoppedExecution.Add(i);
                }
            }
            else
            {
                continued.Should().BeFalse();
            }

            letsSuccessorsRun[i] = status is "success" or "skipped" || continued;
        }

        // A node starts only after every predecessor finished and let it run.
        for (var i = 0; i < n; i++)
        {
            if (before[i] == -1)
            {
                continue;
            }

            foreach (var p in dag.Predecessors[i])
            {
                after[p].Should().BeInRange(0, before[i] - 1, $"{dag.Nodes[p].Name} -> {dag.Nodes[i].Name}: the successor starts after the predecessor's nodeExecutionAfter");
                letsSuccessorsRun[p].Should().BeTrue($"{dag.Nodes[i].Name} runs only if {dag.Nodes[p].Name} succeeded, was disabled or continued on fail");
            }
        }

        // With parallelism 1 the order is fully determined: the reference scheduler's.
        if (dag.Parallelism == 1)
        {
            beforeOrder.Should().Equal(ReferenceOrder(dag), "with parallelism 1 nodes start in topological order, ties broken by definition order");
        }

        // Terminal status. "error" iff an enabled node that fails without continueOnFail exists:
        // - if one exists, either it runs and fails the execution, or it never starts; a node never starts only when the
        //   execution stopped scheduling early (a predecessor chain cannot block it otherwise: disabled and continued nodes let
        //   their successors run), and the only thing that stops scheduling here is a failure — so whichever such node fails
        //   first fails the execution, and since nothing new starts after that, that first failure decides the status;
        // - if none exists, no node can stop the graph, so by induction over a topological order every node becomes ready and
        //   runs, and the execution succeeds.
        var expectError = dag.Nodes.Any(x => x.StopsExecution);
        var finished = events[^1].Data;
        finished.GetProperty("status").GetString().Should().Be(expectError ? "error" : "success");
        execution.Status.Should().Be(expectError ? ExecutionStatus.Error : ExecutionStatus.Success);
        if (!expectError)
        {
            beforeOrder.Should().HaveCount(n, "in the success case every node starts exactly once");
            stoppedExecution.Should().BeEmpty();
            finished.TryGetProperty("error", out _).Should().BeFalse();
        }
        else
        {
            stoppedExecution.Should().NotBeEmpty("an error execution has a node that failed without continueOnFail");
            var first = stoppedExecution.MinBy(i => after[i]);
            var error = finished.GetProperty("error");
            error.GetProperty("nodeName").GetString().Should().Be(dag.Nodes[first].Name, "the first failure fails the execution");
            error.GetProperty("message").GetString().Should().Be(events[after[first]].Data.GetProperty("error").GetProperty("message").GetString());
            execution.ErrorMessage.Should().Be(error.GetProperty("message").GetString());

            var lateStarts = Enumerable.Range(0, n).Where(i => before[i] > after[first]).Select(i => dag.Nodes[i].Name).ToList();
            lateStarts.Should().BeEmpty($"no node starts after {dag.Nodes[first].Name} failed the execution");

            var descendants = dag.Descendants(stoppedExecution);
            descendants.Where(d => before[d] != -1).Select(d => dag.Nodes[d].Name).Should().BeEmpty("no descendant of a failed node starts");
        }

        // The node states agree with the events.
        var states = execution.GetNodeStates();
        states.Should().HaveCount(n);
        for (var i = 0; i < n; i++)
        {
            var state = states[i];
            state.Name.Should().Be(dag.Nodes[i].Name, "node states are in definition order");
            if (after[i] == -1)
            {
                state.Status.Should().Be(NodeExecutionStatus.Skipped, $"{state.Name} never started");
                state.Attempts.Should().Be(0);
                continue;
            }

            var data = events[after[i]].Data;
            var status = data.GetProperty("status").GetString();
            ExecutionStatusText(state.Status).Should().Be(status, $"the state of {state.Name} agrees with its nodeExecutionAfter");
            state.Attempts.Should().Be(data.GetProperty("attempt").GetInt32());
            if (status == "error")
            {
                state.ErrorMessage.Should().Be(data.GetProperty("error").GetProperty("message").GetString());
            }

            if (data.TryGetProperty("data", out var output) && output.ValueKind != JsonValueKind.Null)
            {
                state.Output.Should().NotBeNull();
                JsonElement.DeepEquals(state.Output!.Value, output).Should().BeTrue($"the output of {state.Name} agrees with its nodeExecutionAfter");
            }
        }
    }

    private static string ExecutionStatusText(NodeExecutionStatus status) => status switch
    {
        NodeExecutionStatus.Pending => "pending",
        NodeExecutionStatus.Running => "running",
        NodeExecutionStatus.Success => "success",
        NodeExecutionStatus.Error => "error",
        NodeExecutionStatus.Canceled => "canceled",
        _ => "skipped",
    };

    /// <summary>The reference sequential scheduler: repeatedly start the ready node with the lowest definition index; stop after a failure.</summary>
    private static List<int> ReferenceOrder(Dag dag)
    {
        var remaining = dag.Predecessors.Select(p => p.Count).ToArray();
        var ready = new SortedSet<int>(Enumerable.Range(0, remaining.Length).Where(i => remaining[i] == 0));
        var order = new List<int>();
        while (ready.Count > 0)
        {
            var next = ready.Min;
            ready.Remove(next);
            order.Add(next);
            if (dag.Nodes[next].StopsExecution)
            {
                break;
            }

            foreach (var s in dag.Successors[next])
            {
                if (--remaining[s] == 0)
                {
                    ready.Add(s);
                }
            }
        }

        return order;
    }

    // ----- random DAGs ---------------------------------------------------------------------------------------------------------

    /// <summary>A test node. Its name is <c>t{k}</c>, k its topological index (edges only go from lower to higher k).</summary>
    private sealed record TestNode(string Name, string Type, bool Async, bool Throws, int FailTimes, int MaxTries, bool ContinueOnFail, bool Disabled)
    {
        /// <summary>Gets a value indicating whether the node, when enabled, fails after all its tries.</summary>
        public bool Fails => Type == "fail" || (Type == "flaky" && FailTimes >= MaxTries);

        public bool StopsExecution => !Disabled && Fails && !ContinueOnFail;

        public string ExpectedStatus => Disabled ? "skipped" : Fails ? "error" : "success";

        public int ExpectedAttempts => Disabled ? 1 : Fails ? MaxTries : Math.Min(FailTimes + 1, MaxTries);
    }

    private sealed class Dag
    {
        private readonly Dictionary<string, int> _indexByName;

        private Dag(List<TestNode> nodes, List<(int From, int To)> edges, int parallelism)
        {
            Nodes = nodes;
            Edges = edges;
            Parallelism = parallelism;
            _indexByName = nodes.Select((node, i) => (node.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
            Predecessors = [.. nodes.Select(_ => new List<int>())];
            Successors = [.. nodes.Select(_ => new List<int>())];
            foreach (var (from, to) in edges)
            {
                Successors[from].Add(to);
                Predecessors[to].Add(from);
            }

            Workflow = new WorkflowDefinition
            {
                Id = "property",
                Name = "Property",
                Nodes = [.. nodes.Select(ToDefinition)],
                Connections = [.. edges.Select(e => new ConnectionDefinition { From = nodes[e.From].Name, To = nodes[e.To].Name })],
            };
        }

        /// <summary>Gets the nodes in definition order. All indexes below are definition indexes.</summary>
        public List<TestNode> Nodes { get; }

        public List<(int From, int To)> Edges { get; }

        public List<int>[] Predecessors { get; }

        public List<int>[] Successors { get; }

        public int Parallelism { get; }

        public WorkflowDefinition Workflow { get; }

        public int IndexOf(string name) => _indexByName.TryGetValue(name, out var i) ? i : throw new InvalidOperationException($"Unknown node '{name}' in an event.");

        public static Dag Generate(Random random)
        {
            var n = random.Next(1, 61);
            var parallelism = random.Next(1, 9);
            var edgeProbability = random.NextDouble() * (random.Next(2) == 0 ? 0.15 : 0.5);
            var failProbability = random.Next(3) == 0 ? 0 : random.NextDouble() * 0.12;
            var disabledProbability = random.Next(2) == 0 ? 0 : random.NextDouble() * 0.15;
            var asyncProbability = random.Next(4) switch
            {
                0 => 0,
                1 => 1,
                _ => random.NextDouble(),
            };

            // position[k]: the definition index of the node with topological index k.
            var position = Enumerable.Range(0, n).ToArray();
            random.Shuffle(position);
            var nodes = new TestNode[n];
            for (var k = 0; k < n; k++)
            {
                var roll = random.NextDouble();
                var (type, failTimes) = roll < failProbability ? ("fail", 0)
                    : roll < 2 * failProbability ? ("flaky", random.Next(1, 3))
                    : ("ok", 0);
                var maxTries = type == "ok" ? 1 : random.Next(1, 4);
                nodes[position[k]] = new TestNode(
                    $"t{k}",
                    type,
                    Async: random.NextDouble() < asyncProbability,
                    Throws: random.Next(2) == 0,
                    failTimes,
                    maxTries,
                    ContinueOnFail: random.NextDouble() < 0.4,
                    Disabled: random.NextDouble() < disabledProbability);
            }

            var edges = new List<(int, int)>();
            for (var from = 0; from < n; from++)
            {
                for (var to = from + 1; to < n; to++)
                {
                    if (random.NextDouble() < edgeProbability)
                    {
                        edges.Add((position[from], position[to]));
                    }
                }
            }

            var shuffled = edges.ToArray();
            random.Shuffle(shuffled);
            return new Dag([.. nodes], [.. shuffled], parallelism);
        }

        public HashSet<int> Descendants(IEnumerable<int> roots)
        {
            var seen = new HashSet<int>();
            var stack = new Stack<int>(roots.SelectMany(r => Successors[r]));
            while (stack.TryPop(out var node))
            {
                if (seen.Add(node))
                {
                    foreach (var s in Successors[node])
                    {
                        stack.Push(s);
                    }
                }
            }

            return seen;
        }

        public string Describe()
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"DAG: {Nodes.Count} nodes, {Edges.Count} edges, parallelism {Parallelism}; expected {(Nodes.Any(x => x.StopsExecution) ? "error" : "success")}");
            for (var i = 0; i < Nodes.Count; i++)
            {
                var x = Nodes[i];
                text.AppendLine(CultureInfo.InvariantCulture, $"  #{i,-2} {x.Name,-4} {x.Type,-5} {(x.Async ? "async" : "sync"),-5} {(x.Throws ? "throws" : "result")} failTimes={x.FailTimes} maxTries={x.MaxTries}{(x.ContinueOnFail ? " continueOnFail" : "")}{(x.Disabled ? " disabled" : "")}  <- [{string.Join(", ", Predecessors[i].Select(p => Nodes[p].Name))}]");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"reference order (parallelism 1): {string.Join(" ", ReferenceOrder(this).Select(i => Nodes[i].Name))}");
            text.AppendLine("workflow JSON:");
            text.Append(Workflow.ToJson());
            return text.ToString();
        }

        private static NodeDefinition ToDefinition(TestNode node) => new()
        {
            Name = node.Name,
            Type = node.Type,
            Parameters = JsonDocument.Parse($$"""{"async":{{Bool(node.Async)}},"throw":{{Bool(node.Throws)}},"failTimes":{{node.FailTimes}}}""").RootElement.Clone(),
            Retry = node.MaxTries > 1 ? new NodeRetryPolicy { MaxTries = node.MaxTries, WaitMs = 0 } : null,
            ContinueOnFail = node.ContinueOnFail,
            Disabled = node.Disabled,
        };

        private static string Bool(bool value) => value ? "true" : "false";
    }
}
