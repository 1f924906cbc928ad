using System.Globalization;
using System.Text;
using System.Text.Json;
using FlowStream.Tests.Infrastructure;

namespace FlowStream.Tests.Engine;

/// <summary>
/// Property test of branching (issue 13): random DAGs of if/switch-like nodes that leave by one or several outputs, nodes that fail
/// (routed by <c>onError: "errorOutput"</c>, continued with <c>continueOnFail</c>, or failing the execution), disabled nodes and
/// nodes with several inputs, each run checked against an independent reference model of the routing rules (which nodes run,
/// which are skipped and why, which never start) and the wire-contract guarantees of the events.
/// </summary>
/// <remarks>
/// <para>Same seeding as <see cref="SchedulerPropertyTests"/>: the DAGs come from a master seed, random unless
/// <c>FLOWSTREAM_PROPERTY_SEED</c> is set; on failure the seed, the DAG (also as workflow JSON) and the events are written to the
/// test output. Thread interleavings are not replayed, only the DAGs.</para>
/// <para>With parallelism 1 the whole run is predicted: the order in which nodes are taken and the exact set of nodes with events.
/// With parallelism 4 only what holds whatever the timing is asserted: the execution's status, each node's fate (a node's fate
/// depends only on its predecessors' outputs, not on when they finished), ordering, and, for a successful run, the exact fates.</para>
/// </remarks>
public class BranchingPropertyTests
{
    private const string SeedVariable = "FLOWSTREAM_PROPERTY_SEED";
    private const int DagsPerShard = 100;
    private const string BranchNotTaken = "branchNotTaken";
    private const string DisabledReason = "disabled";
    private static readonly string[] PickOutputs = ["a", "b", "c"];

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(4, 0)]
    [InlineData(4, 1)]
    public async Task Random_branching_dags_route_and_skip_as_the_model_says(int parallelism, int shard)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var output = TestContext.Current.TestOutputHelper!;
        var master = ReadMasterSeed();
        var shardRandom = new Random(unchecked(master + (shard * 1_000_003) + (parallelism * 7_919)));
        output.WriteLine($"master seed {master} (replay: {SeedVariable}={master}), parallelism {parallelism}, shard {shard}, {DagsPerShard} DAGs");

        var stats = new Stats();
        await using var host = TestEngine.Create(RegisterTestNodes);
        for (var run = 0; run < DagsPerShard; run++)
        {
            var dagSeed = shardRandom.Next();
            var dag = Dag.Generate(new Random(dagSeed), parallelism);
            List<ExecutionEvent>? events = null;
            try
            {
                // A safety net against a hung scheduler, not a wait: a healthy run takes milliseconds.
                using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                watchdog.CancelAfter(TimeSpan.FromSeconds(30));
                var request = new ExecutionRequest { MaxDegreeOfParallelism = parallelism };
                events = await host.Engine.RunWithEventsAsync(dag.Workflow, request, watchdog.Token).ToListAsync(watchdog.Token);
                Check(dag, events);
                stats.Add(events);
            }
            catch (Exception)
            {
                output.WriteLine($"FAILED: master seed {master} ({SeedVariable}={master}), parallelism {parallelism}, shard {shard}, run {run}, DAG seed {dagSeed}");
                output.WriteLine(dag.Describe());
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

    // ----- test node types ------------------------------------------------------------------------------------------------

    /// <summary>
    /// "step" has only <c>main</c>; "pick" also has <c>a</c>, <c>b</c>, <c>c</c> and leaves by the outputs its parameters list
    /// (<c>leave</c>), through whichever <see cref="NodeResult.Success(JsonElement)"/> overload <c>form</c> says. With <c>fail</c>
    /// either type fails (by <see cref="NodeResult.Failure(string)"/> or, with <c>throw</c>, by throwing); with <c>async</c> the
    /// handler first yields.
    /// </summary>
    private static void RegisterTestNodes(FlowStreamBuilder builder)
    {
        builder.AddNode("step", Execute);
        builder.AddNode("pick", Execute, PickOutputs);
    }

    private static ValueTask<NodeResult> Execute(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        var parameters = context.Parameters;
        return parameters.GetProperty("async").GetBoolean()
            ? ExecuteAsync(context.Node.Name, parameters)
            : ValueTask.FromResult(Outcome(context.Node.Name, parameters));
    }

    private static async ValueTask<NodeResult> ExecuteAsync(string name, JsonElement parameters)
    {
        await Task.Yield();
        return Outcome(name, parameters);
    }

    private static NodeResult Outcome(string name, JsonElement parameters)
    {
        if (parameters.GetProperty("fail").GetBoolean())
        {
            return parameters.GetProperty("throw").GetBoolean() ? throw new InvalidOperationException(FailureMessage(name)) : NodeResult.Failure(FailureMessage(name));
        }

        var output = JsonDocument.Parse($$"""{"by":"{{name}}"}""").RootElement;
        string[] leave = [.. parameters.GetProperty("leave").EnumerateArray().Select(x => x.GetString()!)];
        return parameters.GetProperty("form").GetInt32() switch
        {
            0 => NodeResult.Success(output),
            1 => NodeResult.Success(output, leave[0]),
            _ => NodeResult.Success(output, leave),
        };
    }

    private static string FailureMessage(string name) => $"{name} failed";

    // ----- the reference model ---------------------------------------------------------------------------------------------

    private enum Fate
    {
        /// <summary>No events: never reached (the execution failed first, or a predecessor failed it).</summary>
        Never,

        Success,

        /// <summary>Failed, left by <c>error</c>.</summary>
        ErrorOutput,

        /// <summary>Failed, continued on fail, left by <c>main</c>.</summary>
        Continued,

        /// <summary>Failed and failed the execution.</summary>
        Failed,

        SkippedDisabled,

        SkippedBranchNotTaken,
    }

    /// <summary>What the model predicts for a run.</summary>
    private sealed record Prediction(Fate[] Fates, List<int> TakenOrder, bool Failed, int? FailedNode);

    /// <summary>
    /// The routing rules, written independently of the engine: a node is decided once every incoming connection is settled; it is
    /// taken (run, or skipped as disabled) when at least one carried, otherwise skipped as branch-not-taken, which settles its own
    /// connections as carrying nothing. A taken node settles its connections: those from the outputs it left by carry. Ready nodes
    /// are taken lowest definition index first. With <paramref name="haltOnFailure"/> nothing is taken after a failure that fails the
    /// execution (the sequential run); without it the failed node simply settles nothing (every fate any run can observe).
    /// </summary>
    private static Prediction Predict(Dag dag, bool haltOnFailure)
    {
        var n = dag.Nodes.Count;
        var fates = new Fate[n];
        var unsettled = new int[n];
        var carried = new bool[n];
        foreach (var (_, to, _) in dag.Edges)
        {
            unsettled[to]++;
        }

        var ready = new SortedSet<int>(Enumerable.Range(0, n).Where(i => unsettled[i] == 0));
        var order = new List<int>();
        int? failedNode = null;

        void Settle(int from, string[] leftBy)
        {
            var pending = new Stack<(int, string[])>();
            pending.Push((from, leftBy));
            while (pending.TryPop(out var item))
            {
                foreach (var (f, to, fromOutput) in dag.Edges)
                {
                    if (f != item.Item1)
                    {
                        continue;
                    }

                    carried[to] |= item.Item2.Contains(fromOutput);
                    if (--unsettled[to] == 0)
                    {
                        if (carried[to])
                        {
                            ready.Add(to);
                        }
                        else
                        {
                            fates[to] = Fate.SkippedBranchNotTaken;
                            pending.Push((to, []));
                        }
                    }
                }
            }
        }

        while (ready.Count > 0)
        {
            var next = ready.Min;
            ready.Remove(next);
            order.Add(next);
            var node = dag.Nodes[next];
            if (node.Disabled)
            {
                fates[next] = Fate.SkippedDisabled;
                Settle(next, ["main"]);
            }
            else if (!node.Fails)
            {
                fates[next] = Fate.Success;
                Settle(next, node.Leave);
            }
            else if (node.ErrorOutput)
            {
                fates[next] = Fate.ErrorOutput;
                Settle(next, ["error"]);
            }
            else if (node.ContinueOnFail)
            {
                fates[next] = Fate.Continued;
                Settle(next, ["main"]);
            }
            else
            {
                fates[next] = Fate.Failed;
                failedNode ??= next;
                if (haltOnFailure)
                {
                    break;
                }
            }
        }

        return new Prediction(fates, order, failedNode is not null, failedNode);
    }

    // ----- checks ------------------------------------------------------------------------------------------------------------

    private static void Check(Dag dag, List<ExecutionEvent> events)
    {
        var n = dag.Nodes.Count;
        var sequential = Predict(dag, haltOnFailure: true);
        var full = Predict(dag, haltOnFailure: false);

        // One executionStarted first, one executionFinished last, sequence numbers 1..n.
        events.Should().NotBeEmpty();
        for (var i = 0; i < events.Count; i++)
        {
            events[i].Sequence.Should().Be(i + 1, "sequence numbers run 1..n without gaps");
        }

        events[0].Type.Should().Be(ExecutionEventTypes.ExecutionStarted);
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        events.Count(e => e.Type == ExecutionEventTypes.ExecutionStarted).Should().Be(1);
        events.Count(e => e.Type == ExecutionEventTypes.ExecutionFinished).Should().Be(1);
        events[0].Data.GetProperty("totalNodes").GetInt32().Should().Be(n);

        // Walk the events: one before then one after per node with events; the k-th after reports k nodes completed.
        var before = Enumerable.Repeat(-1, n).ToArray();
        var after = Enumerable.Repeat(-1, n).ToArray();
        var takenOrder = new List<int>();
        var afters = 0;
        for (var position = 1; position < events.Count - 1; position++)
        {
            var e = events[position];
            var data = e.Data;
            var node = dag.IndexOf(data.GetProperty("nodeName").GetString()!);
            var name = dag.Nodes[node].Name;
            switch (e.Type)
            {
                case ExecutionEventTypes.NodeExecutionBefore:
                    before[node].Should().Be(-1, $"{name} has one nodeExecutionBefore");
                    before[node] = position;
                    if (Reason(data) != BranchNotTaken)
                    {
                        takenOrder.Add(node);
                    }

                    break;

                case ExecutionEventTypes.NodeExecutionAfter:
                    before[node].Should().BeGreaterThan(-1, $"the nodeExecutionBefore of {name} precedes its nodeExecutionAfter");
                    after[node].Should().Be(-1, $"{name} has one nodeExecutionAfter");
                    after[node] = position;
                    afters++;
                    var progress = data.GetProperty("progress");
                    progress.GetProperty("completed").GetInt32().Should().Be(afters, "every nodeExecutionAfter completes one more node");
                    progress.GetProperty("total").GetInt32().Should().Be(n);
                    break;

                default:
                    throw new InvalidOperationException($"Unexpected event {e.Sequence}: {e}");
            }
        }

        // Each node with events has the fate the model gives it; its before and after agree.
        var observed = new Fate[n];
        for (var i = 0; i < n; i++)
        {
            var name = dag.Nodes[i].Name;
            (before[i] == -1).Should().Be(after[i] == -1, $"{name} has a nodeExecutionAfter iff it has a nodeExecutionBefore");
            if (after[i] == -1)
            {
                observed[i] = Fate.Never;
                continue;
            }

            var beforeData = events[before[i]].Data;
            var data = events[after[i]].Data;
            observed[i] = ObservedFate(data);
            observed[i].Should().Be(full.Fates[i], $"{name} has events, so its fate is the one its predecessors' outputs imply");
            Reason(beforeData).Should().Be(Reason(data), $"the nodeExecutionBefore of {name} carries the reason of its nodeExecutionAfter");
            beforeData.GetProperty("attempt").GetInt32().Should().Be(1);
            CheckAfter(dag.Nodes[i], data, observed[i]);
        }

        // No node's events precede the nodeExecutionAfter of any of its predecessors.
        foreach (var (from, to, fromOutput) in dag.Edges)
        {
            if (before[to] != -1)
            {
                after[from].Should().BeInRange(0, before[to] - 1, $"{dag.Nodes[from].Name}.{fromOutput} -> {dag.Nodes[to].Name}: the successor's events follow the predecessor's nodeExecutionAfter");
            }
        }

        // Terminal status: whatever the timing, the execution fails iff the model reaches a node that fails it.
        var finished = events[^1].Data;
        var expectError = sequential.Failed;
        full.Failed.Should().Be(expectError);
        finished.GetProperty("status").GetString().Should().Be(expectError ? "error" : "success");
        var lastProgress = events.Last(e => e.Type == ExecutionEventTypes.NodeExecutionAfter).Data.GetProperty("progress");
        if (!expectError)
        {
            finished.TryGetProperty("error", out _).Should().BeFalse();
            observed.Should().Equal(full.Fates, "a successful run's fates are fully determined");
            observed.Should().NotContain(Fate.Never, "in a successful run every node is decided");
            lastProgress.GetProperty("completed").GetInt32().Should().Be(n);
            lastProgress.GetProperty("percent").GetInt32().Should().Be(100);
        }
        else
        {
            var failures = Enumerable.Range(0, n).Where(i => observed[i] == Fate.Failed).ToList();
            failures.Should().NotBeEmpty("an error execution has a node that failed it");
            var first = failures.MinBy(i => after[i]);
            var error = finished.GetProperty("error");
            error.GetProperty("nodeName").GetString().Should().Be(dag.Nodes[first].Name, "the first failure fails the execution");
            error.GetProperty("message").GetString().Should().Be(FailureMessage(dag.Nodes[first].Name));

            // Nothing is taken (run or passed through as disabled) after the failure.
            takenOrder.Where(i => before[i] > after[first]).Select(i => dag.Nodes[i].Name).Should().BeEmpty($"nothing starts after {dag.Nodes[first].Name} failed the execution");
        }

        // With parallelism 1 the run is fully predicted: the order nodes are taken in, and exactly which nodes have events.
        if (dag.Parallelism == 1)
        {
            takenOrder.Should().Equal(sequential.TakenOrder, "with parallelism 1 ready nodes are taken in definition order and nothing is taken after a failure");
            observed.Should().Equal(sequential.Fates, "with parallelism 1 the fates of all nodes, including the never-started ones, are the model's");
            if (expectError)
            {
                finished.GetProperty("error").GetProperty("nodeName").GetString().Should().Be(dag.Nodes[sequential.FailedNode!.Value].Name);
            }
        }
    }

    private static string? Reason(JsonElement data) => data.TryGetProperty("reason", out var r) ? r.GetString() : null;

    private static Fate ObservedFate(JsonElement data)
    {
        var status = data.GetProperty("status").GetString();
        var continued = data.TryGetProperty("continuedOnFail", out var c) && c.ValueKind == JsonValueKind.True;
        return (status, Reason(data)) switch
        {
            ("success", null) => Fate.Success,
            ("skipped", DisabledReason) => Fate.SkippedDisabled,
            ("skipped", BranchNotTaken) => Fate.SkippedBranchNotTaken,
            ("error", null) when continued => Fate.Continued,
            ("error", null) when data.TryGetProperty("output", out var o) && o.GetString() == "error" => Fate.ErrorOutput,
            ("error", null) => Fate.Failed,
            _ => throw new InvalidOperationException($"Unexpected nodeExecutionAfter: {data}"),
        };
    }

    /// <summary>The fields of a nodeExecutionAfter: the output(s) it names, its data, its error.</summary>
    private static void CheckAfter(TestNode node, JsonElement data, Fate fate)
    {
        var named = data.TryGetProperty("output", out var o) ? o.GetString() : null;
        string[]? namedAll = data.TryGetProperty("outputs", out var all) ? [.. all.EnumerateArray().Select(x => x.GetString()!)] : null;
        var continued = data.TryGetProperty("continuedOnFail", out _);
        switch (fate)
        {
            case Fate.Success:
                var leave = node.Leave;
                if (leave is ["main"])
                {
                    named.Should().BeNull($"{node.Name} left by main");
                    namedAll.Should().BeNull();
                }
                else
                {
                    named.Should().Be(leave[0], $"{node.Name} left by {string.Join(", ", leave)}");
                    if (leave.Length > 1)
                    {
                        namedAll.Should().Equal(leave, $"{node.Name} left by several outputs");
                    }
                    else
                    {
                        namedAll.Should().BeNull();
                    }
                }

                data.GetProperty("data").GetProperty("by").GetString().Should().Be(node.Name);
                data.TryGetProperty("error", out _).Should().BeFalse();
                continued.Should().BeFalse();
                break;

            case Fate.ErrorOutput:
            case Fate.Continued:
            case Fate.Failed:
                data.GetProperty("error").GetProperty("message").GetString().Should().Be(FailureMessage(node.Name));
                continued.Should().Be(fate == Fate.Continued, "continuedOnFail is reported only when the node continued");
                named.Should().Be(fate == Fate.ErrorOutput ? "error" : null, "only an error routed to the error output names an output");
                namedAll.Should().BeNull();
                if (fate != Fate.Failed)
                {
                    data.GetProperty("data").GetProperty("error").GetProperty("message").GetString().Should().Be(FailureMessage(node.Name), "a routed or continued error becomes the output");
                }

                break;

            default:
                named.Should().BeNull("a skipped node names no output");
                namedAll.Should().BeNull();
                data.TryGetProperty("error", out _).Should().BeFalse();
                break;
        }
    }

    private sealed class Stats
    {
        private readonly Dictionary<Fate, int> _fates = [];
        private int _success;
        private int _error;
        private int _skipsAfterFailure;

        public void Add(List<ExecutionEvent> events)
        {
            _ = events[^1].Data.GetProperty("status").GetString() == "success" ? _success++ : _error++;
            var failedAt = -1;
            for (var i = 0; i < events.Count; i++)
            {
                var e = events[i];
                if (e.Type == ExecutionEventTypes.NodeExecutionBefore && failedAt >= 0 && Reason(e.Data) == BranchNotTaken)
                {
                    _skipsAfterFailure++;
                }

                if (e.Type == ExecutionEventTypes.NodeExecutionAfter)
                {
                    var fate = ObservedFate(e.Data);
                    _fates[fate] = _fates.GetValueOrDefault(fate) + 1;
                    if (fate == Fate.Failed && failedAt < 0)
                    {
                        failedAt = i;
                    }
                }
            }
        }

        public override string ToString()
            => $"runs: {_success} success, {_error} error; node fates: {string.Join(", ", _fates.OrderBy(f => f.Key).Select(f => $"{f.Value} {f.Key}"))}; branchNotTaken skips published after the failing node's after: {_skipsAfterFailure}";
    }

    // ----- random DAGs ---------------------------------------------------------------------------------------------------------

    /// <summary>A test node, named <c>b{k}</c> with k its topological index (edges only go from lower to higher k).</summary>
    private sealed record TestNode(string Name, string Type, string[] Leave, int Form, bool Fails, bool Throws, bool Async, bool ErrorOutput, bool ContinueOnFail, bool Disabled)
    {
        /// <summary>Gets the outputs a connection from this node may start at.</summary>
        public IEnumerable<string> ConnectableOutputs
            => (Type == "pick" ? ["main", .. PickOutputs] : new[] { "main" }).Concat(ErrorOutput ? ["error"] : []);
    }

    private sealed class Dag
    {
        private readonly Dictionary<string, int> _indexByName;

        private Dag(List<TestNode> nodes, List<(int From, int To, string FromOutput)> edges, int parallelism, Random random)
        {
            Nodes = nodes;
            Edges = edges;
            Parallelism = parallelism;
            _indexByName = nodes.Select((node, i) => (node.Name, i)).ToDictionary(x => x.Name, x => x.i, StringComparer.Ordinal);
            Workflow = new WorkflowDefinition
            {
                Id = "branching-property",
                Name = "Branching property",
                Nodes = [.. nodes.Select(ToDefinition)],
                Connections = [.. edges.Select(e => new ConnectionDefinition
                {
                    From = nodes[e.From].Name,
                    To = nodes[e.To].Name,
                    FromOutput = e.FromOutput == "main" && random.Next(2) == 0 ? null : e.FromOutput,
                })],
            };
        }

        /// <summary>Gets the nodes in definition order. All indexes are definition indexes.</summary>
        public List<TestNode> Nodes { get; }

        /// <summary>Gets the connections, in the workflow's order; no two alike.</summary>
        public List<(int From, int To, string FromOutput)> Edges { get; }

        public int Parallelism { get; }

        public WorkflowDefinition Workflow { get; }

        public int IndexOf(string name) => _indexByName.TryGetValue(name, out var i) ? i : throw new InvalidOperationException($"Unknown node '{name}' in an event.");

        public static Dag Generate(Random random, int parallelism)
        {
            var n = random.Next(1, 41);
            var edgeProbability = random.NextDouble() * (random.Next(2) == 0 ? 0.15 : 0.45);
            var pickProbability = random.NextDouble() * 0.8;
            var failProbability = random.Next(3) == 0 ? 0 : random.NextDouble() * 0.3;
            var disabledProbability = random.Next(2) == 0 ? 0 : random.NextDouble() * 0.15;
            var asyncProbability = random.Next(3) switch
            {
                0 => 0,
                1 => 1,
                _ => random.NextDouble(),
            };

            var position = Enumerable.Range(0, n).ToArray();
            random.Shuffle(position);
            var nodes = new TestNode[n];
            for (var k = 0; k < n; k++)
            {
                var pick = random.NextDouble() < pickProbability;
                string[] leave;
                int form;
                if (!pick)
                {
                    leave = ["main"];
                    form = random.Next(3);
                }
                else
                {
                    // One output (form 1, or 2 with a one-element list) or several (form 2); main is one of the choices.
                    string[] choices = ["main", .. PickOutputs];
                    random.Shuffle(choices);
                    var count = random.Next(3) == 0 ? random.Next(2, 5) : 1;
                    leave = choices[..count];
                    form = count > 1 ? 2 : random.Next(1, 3);
                    if (leave is ["main"] && form == 1 && random.Next(2) == 0)
                    {
                        form = 0;
                    }
                }

                var handling = random.Next(4);
                nodes[position[k]] = new TestNode(
                    $"b{k}",
                    pick ? "pick" : "step",
                    leave,
                    form,
                    Fails: random.NextDouble() < failProbability,
                    Throws: random.Next(2) == 0,
                    Async: random.NextDouble() < asyncProbability,
                    ErrorOutput: handling is 1 or 3,
                    ContinueOnFail: handling is 2 or 3,
                    Disabled: random.NextDouble() < disabledProbability);
            }

            // Edges from lower to higher topological index, each from one of the outputs the source has; now and then a second
            // connection between the same two nodes from another output.
            var edges = new List<(int, int, string)>();
            for (var from = 0; from < n; from++)
            {
                var outputs = nodes[position[from]].ConnectableOutputs.ToArray();
                for (var to = from + 1; to < n; to++)
                {
                    if (random.NextDouble() < edgeProbability)
                    {
                        random.Shuffle(outputs);
                        var count = random.Next(6) == 0 ? Math.Min(2, outputs.Length) : 1;
                        for (var c = 0; c < count; c++)
                        {
                            edges.Add((position[from], position[to], outputs[c]));
                        }
                    }
                }
            }

            var shuffled = edges.ToArray();
            random.Shuffle(shuffled);
            return new Dag([.. nodes], [.. shuffled], parallelism, random);
        }

        public string Describe()
        {
            var sequential = Predict(this, haltOnFailure: true);
            var full = Predict(this, haltOnFailure: false);
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"DAG: {Nodes.Count} nodes, {Edges.Count} connections, parallelism {Parallelism}; expected {(sequential.Failed ? "error" : "success")}");
            for (var i = 0; i < Nodes.Count; i++)
            {
                var x = Nodes[i];
                var inputs = Edges.Where(e => e.To == i).Select(e => $"{Nodes[e.From].Name}.{e.FromOutput}");
                text.AppendLine(CultureInfo.InvariantCulture, $"  #{i,-2} {x.Name,-4} {x.Type,-4} leave=[{string.Join(",", x.Leave)}] form={x.Form}{(x.Fails ? x.Throws ? " FAILS(throw)" : " FAILS" : "")}{(x.ErrorOutput ? " errorOutput" : "")}{(x.ContinueOnFail ? " continueOnFail" : "")}{(x.Disabled ? " disabled" : "")}{(x.Async ? " async" : "")}  <- [{string.Join(", ", inputs)}]  model: {sequential.Fates[i]} (unhalted: {full.Fates[i]})");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"model order (parallelism 1): {string.Join(" ", sequential.TakenOrder.Select(i => Nodes[i].Name))}");
            text.AppendLine("workflow JSON:");
            text.Append(Workflow.ToJson());
            return text.ToString();
        }

        private static NodeDefinition ToDefinition(TestNode node) => new()
        {
            Name = node.Name,
            Type = node.Type,
            Parameters = JsonDocument.Parse($$"""{"leave":[{{string.Join(",", node.Leave.Select(o => $"\"{o}\""))}}],"form":{{node.Form}},"fail":{{Bool(node.Fails)}},"throw":{{Bool(node.Throws)}},"async":{{Bool(node.Async)}}}""").RootElement.Clone(),
            OnError = node.ErrorOutput ? NodeErrorHandling.ErrorOutput : NodeErrorHandling.StopWorkflow,
            ContinueOnFail = node.ContinueOnFail,
            Disabled = node.Disabled,
        };

        private static string Bool(bool value) => value ? "true" : "false";
    }
}
