using FlowStream.Tests.Infrastructure;
using static FlowStream.Testing.ExecutionEventTestExtensions;

namespace FlowStream.Tests.Engine;

/// <summary>The exact wire JSON of a plain run: these strings are the contract clients parse.</summary>
public class WorkflowEngineGoldenTests
{
    [Fact]
    public async Task RunWithEventsAsync_ThreeNodeChain_ProducesExactlyTheDocumentedEvents()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("greet", "Greeting")
            .AddNode("Start", "manualTrigger")
            .AddNode("Greet", "set", """{"values": {"greeting": "Hello {{ $json.name }}", "count": "{{ $input.count }}"}}""")
            .AddNode("Done", "noOp")
            .Chain("Start", "Greet", "Done")
            .Build();

        var events = await host.Engine
            .RunWithEventsAsync(workflow, Json("""{"name": "Ada", "count": 3}"""), TestContext.Current.CancellationToken)
            .ToListAsync(TestContext.Current.CancellationToken);

        var id = events[0].ExecutionId;
        const string T = "2026-01-01T00:00:00.000Z";
        string[] expected =
        [
            $$$"""{"type":"executionStarted","data":{"executionId":{{{id}}},"mode":"manual","workflowId":"greet","workflowName":"Greeting","startedAt":"{{{T}}}","totalNodes":3}}""",
            $$$"""{"type":"nodeExecutionBefore","data":{"executionId":{{{id}}},"nodeName":"Start","nodeType":"manualTrigger","startedAt":"{{{T}}}","attempt":1}}""",
            $$$"""{"type":"nodeExecutionAfter","data":{"executionId":{{{id}}},"nodeName":"Start","nodeType":"manualTrigger","status":"success","data":{"name":"Ada","count":3},"attempt":1,"finishedAt":"{{{T}}}","executionTimeMs":0,"progress":{"completed":1,"total":3,"percent":33},"estimatedRemainingMs":0}}""",
            $$$"""{"type":"nodeExecutionBefore","data":{"executionId":{{{id}}},"nodeName":"Greet","nodeType":"set","startedAt":"{{{T}}}","attempt":1}}""",
            $$$"""{"type":"nodeExecutionAfter","data":{"executionId":{{{id}}},"nodeName":"Greet","nodeType":"set","status":"success","data":{"name":"Ada","count":3,"greeting":"Hello Ada"},"attempt":1,"finishedAt":"{{{T}}}","executionTimeMs":0,"progress":{"completed":2,"total":3,"percent":66},"estimatedRemainingMs":0}}""",
            $$$"""{"type":"nodeExecutionBefore","data":{"executionId":{{{id}}},"nodeName":"Done","nodeType":"noOp","startedAt":"{{{T}}}","attempt":1}}""",
            $$$"""{"type":"nodeExecutionAfter","data":{"executionId":{{{id}}},"nodeName":"Done","nodeType":"noOp","status":"success","data":{"name":"Ada","count":3,"greeting":"Hello Ada"},"attempt":1,"finishedAt":"{{{T}}}","executionTimeMs":0,"progress":{"completed":3,"total":3,"percent":100},"estimatedRemainingMs":0}}""",
            $$$"""{"type":"executionFinished","data":{"executionId":{{{id}}},"status":"success","finishedAt":"{{{T}}}","executionTimeMs":0}}""",
        ];

        events.Select(e => e.ToString()).Should().Equal(expected);
        events.Select(e => e.Sequence).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8);
        events.Should().OnlyContain(e => e.ExecutionId == id);
        id.Should().BePositive().And.BeLessThanOrEqualTo((1L << 53) - 1);
    }

    [Fact]
    public async Task RunWithEventsAsync_NodeTakesTime_ReportsDurationProgressAndEstimate()
    {
        await using var host = TestEngine.Create();
        var workflow = new WorkflowBuilder("timed")
            .AddNode("A", "wait", """{"ms": 100}""")
            .AddNode("B", "wait", """{"ms": 100}""")
            .AddNode("C", "wait", """{"ms": 100}""")
            .AddNode("D", "noOp")
            .Chain("A", "B", "C", "D")
            .Build();
        var timers = host.Timers.TimersCreated;
        var execution = host.Engine.Start(workflow);
        var recorder = EventRecorder.Start(host.Engine, execution.Id);
        for (var i = 0; i < 3; i++)
        {
            await host.AdvanceWhenTimersAsync(timers + i, 1, TimeSpan.FromMilliseconds(100));
        }

        var events = await recorder.Completion.WithTimeout("the execution's events up to executionFinished");
        var afters = events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionAfter).ToList();
        afters.Select(e => e.Data.GetProperty("executionTimeMs").GetInt64()).Should().Equal(100, 100, 100, 0);
        afters.Select(e => e.Data.GetProperty("progress").GetProperty("percent").GetInt32()).Should().Equal(25, 50, 75, 100);

        // Mean of finished nodes times the nodes left: 100 x 3, then 100 x 2, then 100 x 1, then (300 / 4) x 0.
        afters.Select(e => e.Data.GetProperty("estimatedRemainingMs").GetInt64()).Should().Equal(300, 200, 100, 0);
        events[^1].Data.GetProperty("executionTimeMs").GetInt64().Should().Be(300);
        events[^1].Data.GetProperty("finishedAt").GetString().Should().Be("2026-01-01T00:00:00.300Z");
    }
}
