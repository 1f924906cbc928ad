using System.Text.Json;
using System.Threading.Channels;
using FlowStream.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowStream.Tests.Nodes;

/// <summary>The built-in node types, run through the engine.</summary>
public class BuiltInNodesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManualTrigger_WithInputData_OutputsTheInputData()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Start", "manualTrigger").Build();

        var events = await RunAsync(host, workflow, """{"user":{"id":7},"tags":["a","b"],"n":1.5}""");

        NodeAfter(events, "Start").GetProperty("data").GetRawText().Should().Be("""{"user":{"id":7},"tags":["a","b"],"n":1.5}""");
        FinishedStatus(events).Should().Be("success");
    }

    [Fact]
    public async Task ManualTrigger_WithoutInputData_OutputsAnEmptyObject()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Start", "manualTrigger").Build();

        var events = await host.Engine.RunWithEventsAsync(workflow, cancellationToken: Ct).ToListAsync(Ct);

        NodeAfter(events, "Start").GetProperty("data").GetRawText().Should().Be("{}");
    }

    [Fact]
    public async Task ManualTrigger_AfterAnotherNode_StillOutputsTheInputData()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("First", "set", """{"values":{"other":true}}""")
            .AddNode("Trigger", "manualTrigger")
            .Chain("First", "Trigger")
            .Build();

        var events = await RunAsync(host, workflow, """{"x":1}""");

        NodeAfter(events, "Trigger").GetProperty("data").GetRawText().Should().Be("""{"x":1}""");
    }

    [Fact]
    public async Task NoOp_SinglePredecessor_PassesItsOutputThrough()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Start", "manualTrigger").AddNode("Pass", "noOp").Chain("Start", "Pass").Build();

        var events = await RunAsync(host, workflow, """{"a":[1,{"b":null}]}""");

        NodeAfter(events, "Pass").GetProperty("data").GetRawText().Should().Be("""{"a":[1,{"b":null}]}""");
    }

    [Fact]
    public async Task NoOp_SeveralPredecessors_PassesTheirMergedOutputThrough()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Left", "set", """{"values":{"a":1,"shared":"left"}}""")
            .AddNode("Right", "set", """{"values":{"b":2,"shared":"right"}}""")
            .AddNode("Join", "noOp")
            .Connect("Left", "Join")
            .Connect("Right", "Join")
            .Build();

        var events = await RunAsync(host, workflow, "{}");

        NodeAfter(events, "Join").GetProperty("data").GetRawText().Should().Be("""{"a":1,"shared":"right","b":2}""");
    }

    [Fact]
    public async Task NoOp_NoPredecessor_OutputsAnEmptyObject()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Pass", "noOp").Build();

        var events = await RunAsync(host, workflow, """{"ignored":true}""");

        NodeAfter(events, "Pass").GetProperty("data").GetRawText().Should().Be("{}");
    }

    [Fact]
    public async Task Set_TemplatedValues_AreMergedOverItsInput()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("Set", "set", """{"values":{"name":"Hello {{ $json.name }}","count":"{{ $json.count }}","nested":{"id":"{{ $input.count }}"},"added":[true]}}""")
            .Chain("Start", "Set")
            .Build();

        var events = await RunAsync(host, workflow, """{"name":"Ada","count":2,"nested":{"keep":"replaced as a whole"},"untouched":"yes"}""");

        NodeAfter(events, "Set").GetProperty("data").GetRawText()
            .Should().Be("""{"name":"Hello Ada","count":2,"nested":{"id":2},"untouched":"yes","added":[true]}""");
    }

    [Fact]
    public async Task Set_NoPredecessor_OutputsItsValues()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Set", "set", """{"values":{"x":"{{ $input.x }}"}}""").Build();

        var events = await RunAsync(host, workflow, """{"x":[1,2]}""");

        NodeAfter(events, "Set").GetProperty("data").GetRawText().Should().Be("""{"x":[1,2]}""");
    }

    [Fact]
    public async Task Set_InputNotAnObject_OutputsItsValuesOnly()
    {
        await using var host = TestEngine.Create(nodes => nodes.AddNode("array", (_, _) => new ValueTask<NodeResult>(NodeResult.Success(Parse("[1,2]")))));
        var workflow = new WorkflowBuilder("w").AddNode("Array", "array").AddNode("Set", "set", """{"values":{"first":"{{ $json[0] }}"}}""").Chain("Array", "Set").Build();

        var events = await RunAsync(host, workflow, "{}");

        NodeAfter(events, "Set").GetProperty("data").GetRawText().Should().Be("""{"first":1}""");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"values":null}""")]
    public async Task Set_WithoutValues_PassesItsInputThrough(string parameters)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Start", "manualTrigger").AddNode("Set", "set", parameters).Chain("Start", "Set").Build();

        var events = await RunAsync(host, workflow, """{"a":1}""");

        NodeAfter(events, "Set").GetProperty("data").GetRawText().Should().Be("""{"a":1}""");
    }

    [Theory]
    [InlineData("""{"values":[1]}""", "Array")]
    [InlineData("""{"values":"{{ $input.a }}"}""", "Number")]
    public async Task Set_ValuesNotAnObject_Fails(string parameters, string kind)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Set", "set", parameters).Build();

        var events = await RunAsync(host, workflow, """{"a":1}""");

        var after = NodeAfter(events, "Set");
        after.GetProperty("status").GetString().Should().Be("error");
        after.GetProperty("error").GetProperty("message").GetString().Should().Be($"Parameter 'values' of node 'Set' must be an object, not {kind}.");
        FinishedStatus(events).Should().Be("error");
    }

    [Fact]
    public async Task Wait_Ms_FinishesOnlyWhenTheTimeProviderHasAdvancedThatFar()
    {
        ObservedTimeProvider? time = null;
        await using var host = TestEngine.Create(configureServices: services => time = ObservedTimeProvider.Replace(services));
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("Wait", "wait", """{"ms":1500}""")
            .AddNode("End", "noOp")
            .Chain("Start", "Wait", "End")
            .Build();
        var execution = host.Engine.Start(workflow, new ExecutionRequest { InputData = Parse("""{"v":1}""") });
        var collecting = host.CollectAsync(execution.Id, cancellationToken: Ct);

        await time!.WaitForTimerAsync(TimeSpan.FromMilliseconds(1500), Ct);
        host.Time.Advance(TimeSpan.FromMilliseconds(1499));

        NodeStatus(execution, "Wait").Should().Be(NodeExecutionStatus.Running);
        NodeStatus(execution, "End").Should().Be(NodeExecutionStatus.Pending);
        execution.IsFinished.Should().BeFalse();

        host.Time.Advance(TimeSpan.FromMilliseconds(1));
        var events = await collecting;

        var after = NodeAfter(events, "Wait");
        after.GetProperty("status").GetString().Should().Be("success");
        after.GetProperty("executionTimeMs").GetInt64().Should().Be(1500);
        after.GetProperty("data").GetRawText().Should().Be("""{"v":1}""");
        NodeAfter(events, "End").GetProperty("data").GetRawText().Should().Be("""{"v":1}""");
        FinishedStatus(events).Should().Be("success");
    }

    [Fact]
    public async Task Wait_ZeroMs_FinishesWithoutTheClockMoving()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Start", "manualTrigger").AddNode("Wait", "wait", """{"ms":0}""").Chain("Start", "Wait").Build();

        var events = await RunAsync(host, workflow, """{"v":2}""");

        var after = NodeAfter(events, "Wait");
        after.GetProperty("status").GetString().Should().Be("success");
        after.GetProperty("data").GetRawText().Should().Be("""{"v":2}""");
        host.Time.GetUtcNow().Should().Be(TestEngine.StartTime);
    }

    [Fact]
    public async Task Wait_ExecutionCanceledWhileWaiting_StopsWaiting()
    {
        ObservedTimeProvider? time = null;
        await using var host = TestEngine.Create(configureServices: services => time = ObservedTimeProvider.Replace(services));
        var workflow = new WorkflowBuilder("w").AddNode("Wait", "wait", """{"ms":45000}""").AddNode("End", "noOp").Chain("Wait", "End").Build();
        var execution = host.Engine.Start(workflow);
        var collecting = host.CollectAsync(execution.Id, cancellationToken: Ct);
        await time!.WaitForTimerAsync(TimeSpan.FromSeconds(45), Ct);

        execution.Cancel().Should().BeTrue();
        var events = await collecting;

        NodeAfter(events, "Wait").GetProperty("status").GetString().Should().Be("canceled");
        events.Should().NotContain(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "End");
        FinishedStatus(events).Should().Be("canceled");
        host.Time.GetUtcNow().Should().Be(TestEngine.StartTime);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"ms":null}""")]
    [InlineData("""{"ms":-1}""")]
    [InlineData("""{"ms":"100"}""")]
    [InlineData("""{"ms":true}""")]
    [InlineData("""{"ms":[100]}""")]
    public async Task Wait_BadMs_Fails(string parameters)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Wait", "wait", parameters).AddNode("End", "noOp").Chain("Wait", "End").Build();

        var events = await RunAsync(host, workflow, "{}");

        var after = NodeAfter(events, "Wait");
        after.GetProperty("status").GetString().Should().Be("error");
        after.GetProperty("error").GetProperty("message").GetString().Should().StartWith("Parameter 'ms' of node 'Wait' must be a non-negative number of milliseconds");
        events.Should().NotContain(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "End");
        FinishedStatus(events).Should().Be("error");
    }

    [Fact]
    public async Task Wait_MsFromTemplate_WaitsThatLong()
    {
        ObservedTimeProvider? time = null;
        await using var host = TestEngine.Create(configureServices: services => time = ObservedTimeProvider.Replace(services));
        var workflow = new WorkflowBuilder("w").AddNode("Wait", "wait", """{"ms":"{{ $input.delay }}"}""").Build();
        var execution = host.Engine.Start(workflow, new ExecutionRequest { InputData = Parse("""{"delay":250}""") });

        await time!.WaitForTimerAsync(TimeSpan.FromMilliseconds(250), Ct);
        host.Time.Advance(TimeSpan.FromMilliseconds(250));

        (await execution.Completion.WithTimeout("the execution to finish")).Should().Be(ExecutionStatus.Success);
    }

    [Fact]
    public async Task StopAndError_Message_FailsTheNodeAndTheExecutionWithIt()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode("Start", "manualTrigger")
            .AddNode("Stop", "stopAndError", """{"message":"Order {{ $json.order }} is invalid"}""")
            .AddNode("End", "noOp")
            .Chain("Start", "Stop", "End")
            .Build();

        var events = await RunAsync(host, workflow, """{"order":42}""");

        var after = NodeAfter(events, "Stop");
        after.GetProperty("status").GetString().Should().Be("error");
        after.GetProperty("error").GetProperty("message").GetString().Should().Be("Order 42 is invalid");
        events.Should().NotContain(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "End");
        var finished = events[^1];
        finished.Data.GetProperty("status").GetString().Should().Be("error");
        finished.Data.GetProperty("error").GetProperty("message").GetString().Should().Be("Order 42 is invalid");
        finished.Data.GetProperty("error").GetProperty("nodeName").GetString().Should().Be("Stop");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"message":""}""")]
    [InlineData("""{"message":42}""")]
    public async Task StopAndError_WithoutMessage_FailsWithADefaultMessage(string parameters)
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w").AddNode("Stop", "stopAndError", parameters).Build();

        var events = await RunAsync(host, workflow, "{}");

        NodeAfter(events, "Stop").GetProperty("error").GetProperty("message").GetString().Should().Be("Workflow stopped by node 'Stop'.");
        FinishedStatus(events).Should().Be("error");
    }

    [Fact]
    public async Task StopAndError_ContinueOnFail_ErrorBecomesItsOutput()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("w")
            .AddNode(new NodeDefinition { Name = "Stop", Type = "stopAndError", Parameters = Parse("""{"message":"boom"}"""), ContinueOnFail = true })
            .AddNode("End", "noOp")
            .Chain("Stop", "End")
            .Build();

        var events = await RunAsync(host, workflow, "{}");

        NodeAfter(events, "End").GetProperty("data").GetRawText().Should().Be("""{"error":{"message":"boom"}}""");
        FinishedStatus(events).Should().Be("success");
    }

    private static async Task<List<ExecutionEvent>> RunAsync(TestEngine host, WorkflowDefinition workflow, string inputJson)
        => await host.Engine.RunWithEventsAsync(workflow, Parse(inputJson), Ct).ToListAsync(Ct);

    private static JsonElement NodeAfter(List<ExecutionEvent> events, string nodeName)
        => events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter && e.Data.GetProperty("nodeName").GetString() == nodeName).Data;

    private static string? FinishedStatus(List<ExecutionEvent> events)
    {
        events[^1].Type.Should().Be(ExecutionEventTypes.ExecutionFinished);
        return events[^1].Data.GetProperty("status").GetString();
    }

    private static NodeExecutionStatus NodeStatus(WorkflowExecution execution, string nodeName)
        => execution.GetNodeStates().Single(s => s.Name == nodeName).Status;

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>
    /// Wraps the test host's <c>FakeTimeProvider</c> (so <c>host.Time.Advance</c> still drives everything) and reports each timer
    /// created, so a test can advance the clock only once the node is really waiting.
    /// </summary>
    private sealed class ObservedTimeProvider(TimeProvider inner) : TimeProvider
    {
        private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public static ObservedTimeProvider Replace(IServiceCollection services)
        {
            var fake = (TimeProvider)services.Single(d => d.ServiceType == typeof(TimeProvider)).ImplementationInstance!;
            var observed = new ObservedTimeProvider(fake);
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(observed));
            return observed;
        }

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            _timers.Writer.TryWrite(dueTime);
            return timer;
        }

        public async Task WaitForTimerAsync(TimeSpan dueTime, CancellationToken cancellationToken)
        {
            while (await _timers.Reader.ReadAsync(cancellationToken) != dueTime)
            {
            }
        }
    }
}
