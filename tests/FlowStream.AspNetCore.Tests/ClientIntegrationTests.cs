using System.IO.Pipelines;
using System.Text.Json;
using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using ClientEvent = FlowStream.Client.ExecutionEvent;

namespace FlowStream.AspNetCore.Tests;

/// <summary>FlowStream.Client against the real MapExecutionStream endpoints on Kestrel.</summary>
public class ClientIntegrationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StartAndStream_ServerKillsTheConnectionTwice_ClientDeliversEveryEventExactlyOnceInOrder()
    {
        var killer = new ConnectionKiller(afterEvents: 10, times: 2);
        // Flush after every event (MaxUnflushedBytes = 1) so that the cut falls mid-stream even when the flow's events are all queued at once.
        await using var server = await TestServer.StartAsync(b => Flows.Register(b), o => o.MaxUnflushedBytes = 1, configurePipeline: app => app.Use(killer.Middleware));
        var client = new ExecutionStreamClient(server.Client, new ExecutionStreamClientOptions { InitialReconnectDelay = TimeSpan.FromMilliseconds(1) });

        var events = new List<ClientEvent>();
        await foreach (var e in client.StartAndStreamAsync("chain50", default, TestContext.Current.CancellationToken).WithCancellation(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        killer.Killed.Should().Be(2, "the server cut two streams mid-way");
        events.Select(e => e.Id).Should().Equal(Enumerable.Range(1, 102).Select(i => (long)i));
        events[^1].IsTerminal.Should().BeTrue();
        events[^1].TryGetExecutionFinished(out var finished).Should().BeTrue();
        finished!.Status.Should().Be("success");
        killer.LastEventIds.Should().HaveCount(2).And.OnlyContain(id => id >= 1 && id <= 102, "each reconnect resumed from a real position");
    }

    [Fact]
    public async Task Client_ControlAndStatus_WorkAgainstTheRealEndpoints()
    {
        var gates = new Gates();
        await using var server = await TestServer.StartAsync(b => Flows.Register(b, gates));
        var client = new ExecutionStreamClient(server.Client);

        var started = await client.StartAsync(new StartExecutionRequest { FlowId = "gated", InputData = JsonDocument.Parse("""{"n": 1}""").RootElement }, TestContext.Current.CancellationToken);
        started.Status.Should().Be("running");
        var paused = await client.PauseAsync(started.ExecutionId, TestContext.Current.CancellationToken);
        paused.Status.Should().Be("paused");
        (await client.ResumeAsync(started.ExecutionId, TestContext.Current.CancellationToken)).Status.Should().Be("running");
        (await client.CancelAsync(started.ExecutionId, TestContext.Current.CancellationToken)).ExecutionId.Should().Be(started.ExecutionId);

        var events = new List<ClientEvent>();
        await foreach (var e in client.AttachAsync(started.ExecutionId, 0, TestContext.Current.CancellationToken).WithCancellation(TestContext.Current.CancellationToken))
        {
            events.Add(e);
        }

        events[^1].TryGetExecutionFinished(out var finished).Should().BeTrue();
        finished!.Status.Should().Be("canceled");
        events.Select(e => e.Type).Should().Contain([ExecutionEventTypes.ExecutionPaused, ExecutionEventTypes.ExecutionResumed]);
        var status = await client.GetStatusAsync(started.ExecutionId, TestContext.Current.CancellationToken);
        status.Status.Should().Be("canceled");
        status.LastEventId.Should().Be(events[^1].Id);

        var conflict = () => client.CancelAsync(started.ExecutionId, TestContext.Current.CancellationToken);
        (await conflict.Should().ThrowAsync<ExecutionStreamException>()).Which.ProblemType.Should().Be(ExecutionStreamProblemTypes.ExecutionFinished);
        var missing = () => client.GetStatusAsync(424242, TestContext.Current.CancellationToken);
        (await missing.Should().ThrowAsync<ExecutionStreamException>()).Which.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
    }

    /// <summary>Aborts the first <c>times</c> event streams after <c>afterEvents</c> events have been flushed to the client.</summary>
    private sealed class ConnectionKiller(int afterEvents, int times)
    {
        private int _killed;

        public int Killed => Volatile.Read(ref _killed);

        public List<long> LastEventIds { get; } = [];

        public async Task Middleware(HttpContext context, RequestDelegate next)
        {
            if (context.Request.Method == "GET" && context.Request.Headers.TryGetValue("Last-Event-ID", out var lastEventId))
            {
                lock (LastEventIds)
                {
                    LastEventIds.Add(long.Parse(lastEventId.ToString(), System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            if (!context.Request.Path.Value!.EndsWith("/stream", StringComparison.Ordinal) || Interlocked.Increment(ref _killed) > times)
            {
                if (context.Request.Path.Value!.EndsWith("/stream", StringComparison.Ordinal))
                {
                    Interlocked.Decrement(ref _killed);
                }

                await next(context);
                return;
            }

            var original = context.Features.Get<IHttpResponseBodyFeature>()!;
            context.Features.Set<IHttpResponseBodyFeature>(new KillingBody(original, context, afterEvents));
            await next(context);
        }

        private sealed class KillingBody(IHttpResponseBodyFeature inner, HttpContext context, int afterEvents) : IHttpResponseBodyFeature
        {
            private KillingWriter? _writer;

            public Stream Stream => inner.Stream;

            public PipeWriter Writer => _writer ??= new KillingWriter(inner.Writer, context, afterEvents);

            public Task CompleteAsync() => inner.CompleteAsync();

            public void DisableBuffering() => inner.DisableBuffering();

            public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => inner.SendFileAsync(path, offset, count, cancellationToken);

            public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
        }

        private sealed class KillingWriter(PipeWriter inner, HttpContext context, int afterEvents) : PipeWriter
        {
            private Memory<byte> _last;
            private int _events;

            public override void Advance(int bytes)
            {
                // Count blank-line terminators in what was just written.
                var span = _last.Span[..bytes];
                for (var i = 1; i < span.Length; i++)
                {
                    if (span[i] == '\n' && span[i - 1] == '\n')
                    {
                        _events++;
                    }
                }

                inner.Advance(bytes);
            }

            public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
            {
                var result = await inner.FlushAsync(cancellationToken);
                if (_events >= afterEvents)
                {
                    context.Abort();
                }

                return result;
            }

            public override void CancelPendingFlush() => inner.CancelPendingFlush();

            public override void Complete(Exception? exception = null) => inner.Complete(exception);

            public override Memory<byte> GetMemory(int sizeHint = 0) => _last = inner.GetMemory(sizeHint);

            public override Span<byte> GetSpan(int sizeHint = 0)
            {
                _last = inner.GetMemory(sizeHint);
                return _last.Span;
            }
        }
    }
}
