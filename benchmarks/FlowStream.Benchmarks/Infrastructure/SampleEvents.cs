using System.Text;

namespace FlowStream.Benchmarks.Infrastructure;

/// <summary>Execution events with the shape and size of real ones, for the benchmarks that do not run the engine.</summary>
internal static class SampleEvents
{
    public const long ExecutionId = 4_503_599_627_370_495;

    /// <summary>The JSON of a typical <c>nodeExecutionAfter</c> (about 330 bytes).</summary>
    public static byte[] NodeExecutionAfterJson(long executionId, int node) => Encoding.UTF8.GetBytes(
        $$$"""{"type":"nodeExecutionAfter","data":{"executionId":{{{executionId}}},"nodeName":"Node {{{node}}}","nodeType":"noOp","status":"success","data":{},"attempt":1,"finishedAt":"2026-01-01T00:00:00.000Z","executionTimeMs":0,"progress":{"completed":{{{node}}},"total":1000,"percent":{{{node / 10}}}},"estimatedRemainingMs":0}}""");

    /// <summary>
    /// The JSON of a typical <c>nodeExecutionAfter</c> of a node that did some work (an HTTP call's small output), as the engine
    /// writes it: about 400 bytes, the size the Redis benchmarks use.
    /// </summary>
    public static byte[] TypicalNodeExecutionAfterJson(long executionId, int node) => Encoding.UTF8.GetBytes(
        $$$"""{"type":"nodeExecutionAfter","data":{"executionId":{{{executionId}}},"nodeName":"Fetch order {{{node}}}","nodeType":"httpRequest","status":"success","data":{"statusCode":200,"body":{"orderId":"ord_{{{node:D6}}}","total":129.95,"currency":"EUR","items":3}},"attempt":1,"finishedAt":"2026-01-01T00:00:{{{node % 60:D2}}}.{{{node % 1000:D3}}}Z","executionTimeMs":3,"progress":{"completed":{{{node}}},"total":10000,"percent":{{{node / 100}}}},"estimatedRemainingMs":{{{(10_000 - node) * 3}}}}}""");

    /// <summary>The JSON of a <c>nodeExecutionProgress</c> whose SSE frame is about 150 bytes, as in the reference figures.</summary>
    public static byte[] ProgressJson(long executionId) => Encoding.UTF8.GetBytes(
        $$$$"""{"type":"nodeExecutionProgress","data":{"executionId":{{{{executionId}}}},"nodeName":"Emit","data":{"delta":"lorem ipsum dolor"}}}""");

    /// <summary>
    /// Creates <paramref name="count"/> events of one execution: progress events and a final <c>executionFinished</c>, each with its own
    /// JSON array, as the engine publishes them.
    /// </summary>
    public static ExecutionEvent[] Stream(long executionId, int count)
    {
        var events = new ExecutionEvent[count];
        for (var i = 0; i < count - 1; i++)
        {
            events[i] = new ExecutionEvent(executionId, i + 1, ExecutionEventTypes.NodeExecutionProgress, ProgressJson(executionId));
        }

        var finished = Encoding.UTF8.GetBytes(
            $$$"""{"type":"executionFinished","data":{"executionId":{{{executionId}}},"status":"success","finishedAt":"2026-01-01T00:00:00.000Z","executionTimeMs":1}}""");
        events[count - 1] = new ExecutionEvent(executionId, count, ExecutionEventTypes.ExecutionFinished, finished);
        return events;
    }
}
