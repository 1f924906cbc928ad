using System.Globalization;

namespace FlowStream.Client.Tests.Infrastructure;

/// <summary>Event JSON as the server writes it on its <c>data:</c> lines (compact, camelCase, the fields of DESIGN.md).</summary>
internal static class Wire
{
    /// <summary>
    /// A successful sequential execution of <paramref name="nodeCount"/> noOp nodes "N1", "N2", …:
    /// executionStarted, then nodeExecutionBefore and nodeExecutionAfter per node, then executionFinished
    /// (2 + 2 × nodeCount events; the last one has id 2 + 2 × nodeCount).
    /// </summary>
    public static IReadOnlyList<string> Execution(long executionId, int nodeCount)
    {
        string Event(string json, int node = 0) => json
            .Replace("EXEC", executionId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("TOTAL", nodeCount.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("NODE", node.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("PERCENT", (node * 100 / nodeCount).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("REMAINING", ((nodeCount - node) * 5).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var events = new List<string>
        {
            Event("""{"type":"executionStarted","data":{"executionId":EXEC,"mode":"manual","workflowId":"w1","workflowName":"Workflow","startedAt":"2026-01-01T00:00:00.000Z","totalNodes":TOTAL}}"""),
        };
        for (var i = 1; i <= nodeCount; i++)
        {
            events.Add(Event("""{"type":"nodeExecutionBefore","data":{"executionId":EXEC,"nodeName":"NNODE","nodeType":"noOp","startedAt":"2026-01-01T00:00:00.000Z","attempt":1}}""", i));
            events.Add(Event("""{"type":"nodeExecutionAfter","data":{"executionId":EXEC,"nodeName":"NNODE","nodeType":"noOp","status":"success","data":{"i":NODE},"attempt":1,"finishedAt":"2026-01-01T00:00:00.005Z","executionTimeMs":5,"progress":{"completed":NODE,"total":TOTAL,"percent":PERCENT},"estimatedRemainingMs":REMAINING}}""", i));
        }

        events.Add(Event("""{"type":"executionFinished","data":{"executionId":EXEC,"status":"success","finishedAt":"2026-01-01T00:00:01.000Z","executionTimeMs":1000}}"""));
        return events;
    }

    /// <summary>An execution summary as <c>GET /executions/{id}</c> answers it, with every field.</summary>
    public static string Summary(long executionId, string status = "error") =>
        $$$"""
        {"executionId":{{{executionId}}},"workflowId":"w1","workflowName":"Workflow","mode":"manual","status":"{{{status}}}",
         "startedAt":"2026-01-01T00:00:00.000Z","finishedAt":"2026-01-01T00:00:02.500Z","lastEventId":7,
         "error":{"message":"boom","nodeName":"B"},
         "somethingNew":{"x":1},
         "nodes":[
          {"name":"A","type":"noOp","status":"success","attempts":1,"startedAt":"2026-01-01T00:00:00.000Z","finishedAt":"2026-01-01T00:00:01.000Z","output":{"a":1}},
          {"name":"B","type":"stopAndError","status":"error","attempts":2,"startedAt":"2026-01-01T00:00:01.000Z","finishedAt":"2026-01-01T00:00:02.000Z","error":{"message":"boom"}},
          {"name":"C","type":"noOp","status":"pending","attempts":0}
         ]}
        """;
}
