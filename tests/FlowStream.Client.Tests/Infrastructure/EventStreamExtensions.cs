namespace FlowStream.Client.Tests.Infrastructure;

internal static class EventStreamExtensions
{
    private static readonly TimeSpan s_hangGuard = TimeSpan.FromSeconds(20);

    /// <summary>Reads a whole stream, telling the fake server each id it saw (so its scripted aborts happen after the client read the event).</summary>
    public static Task<List<ExecutionEvent>> CollectAsync(this IAsyncEnumerable<ExecutionEvent> events, FakeExecutionServer server, List<ExecutionEvent>? into = null) =>
        CollectCoreAsync(events, server, into ?? []).WaitAsync(s_hangGuard, TestContext.Current.CancellationToken);

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
