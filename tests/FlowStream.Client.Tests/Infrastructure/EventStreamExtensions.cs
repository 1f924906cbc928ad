namespace FlowStream.Client.Tests.Infrastructure;

internal static class EventStreamExtensions
{
    /// <summary>Reads a whole stream, telling the fake server each id it saw (so its scripted aborts happen after the client read the event).</summary>
    public static Task<List<ExecutionEvent>> CollectAsync(this IAsyncEnumerable<ExecutionEvent> events, FakeExecutionServer server, List<ExecutionEvent>? into = null) =>
        CollectCoreAsync(events, server, into ?? []).WithTimeout("the client's event stream to end");

    private static async Task<List<ExecutionEvent>> CollectCoreAsync(IAsyncEnumerable<ExecutionEvent> events, FakeExecutionServer server, List<ExecutionEvent> into)
    {
        await foreach (var e in events)
        {
            lock (into)
            {
                into.Add(e);
            }

            server.Delivered(e.Id);
        }

        return into;
    }
}
