using FlowStream.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Sample.Tests;

/// <summary>A plain browser EventSource pointed at GET /executions/{id}/stream, through its own automatic reconnects.</summary>
[Collection(BrowserCollection.Name)]
public sealed class EventSourceTests(BrowserFixture fixture)
{
    [Fact]
    public async Task EventSource_StreamCutMidRun_GetsEveryEventExactlyOnceAndStopsAfterTheEnd()
    {
        var browser = fixture.RequireBrowser();
        var cutter = new StreamCutter(c => c.Request.Method == "GET" && c.Request.Path.Value!.EndsWith("/stream", StringComparison.Ordinal), afterEvents: 4, times: 1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SampleServer.StartAsync(
            builder =>
            {
                builder.Services.Configure<FlowStream.AspNetCore.ExecutionStreamOptions>(o => o.MaxUnflushedBytes = 1);
                builder.Services.AddFlowStream().AddNode("gate", async (context, cancellationToken) =>
                {
                    await gate.Task.WaitAsync(cancellationToken);
                    return NodeResult.Success(context.Input);
                });
            },
            app => app.Use(cutter.Middleware));
        var page = await browser.NewPageAsync();
        await page.GotoAsync(server.BaseUrl);

        // The cut (after event 4: started, Start before/after, Hold before) falls while Hold is held, so the rest comes
        // only through EventSource's own reconnect.
        var flow = new WorkflowBuilder("hold").AddNode("Start", "manualTrigger").AddNode("Hold", "gate").AddNode("Done", "noOp").Chain("Start", "Hold", "Done").Build();

        // Started over HTTP, as a page would: the execution is anonymous, so the EventSource needs its token (access_token in
        // the URL, since an EventSource cannot set headers).
        using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
        using var start = await http.PostAsync(
            "/executions", new StringContent($$"""{"workflow": {{flow.ToJson()}}}""", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var started = System.Text.Json.JsonDocument.Parse(await start.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        server.Engine.TryGetExecution(started.GetProperty("executionId").GetInt64(), out var execution).Should().BeTrue();
        var token = Uri.EscapeDataString(started.GetProperty("accessToken").GetString()!);

        // EventSource reconnects by itself after the cut (sending Last-Event-ID), and once more after executionFinished,
        // which the server answers with 204 so that it stops for good (readyState CLOSED).
        var reading = page.EvaluateAsync<long[]>(
            """
            (url) => new Promise((resolve) => {
              const ids = [];
              const source = new EventSource(url);
              source.onmessage = (e) => ids.push(Number(e.lastEventId));
              source.onerror = () => { if (source.readyState === EventSource.CLOSED) resolve(ids); };
            })
            """,
            $"/executions/{execution!.Id}/stream?access_token={token}");
        await cutter.FirstCut.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        gate.SetResult();
        var ids = await reading;

        await execution.Completion.WithTimeout("the execution to finish");
        var total = (await server.Engine.SubscribeAsync(execution.Id, 0, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken)).Count;
        ids.Should().Equal(Enumerable.Range(1, total).Select(i => (long)i));
        TestContext.Current.TestOutputHelper!.WriteLine($"ids={string.Join(",", ids)} resumed={string.Join(",", cutter.ResumedFrom)} total={total}");
        cutter.Cut.Should().Be(1);
        // Three connections at least: the first (cut), EventSource's own reconnect (with Last-Event-ID when it had
        // received anything before the cut), and its reconnect after the end, which got 204 and closed it.
        cutter.Requests.Should().BeGreaterThanOrEqualTo(3);
        cutter.ResumedFrom.Should().Contain(total, "after the end it reconnected with the last id, and the server answered 204");
    }
}
