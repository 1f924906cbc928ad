using System.IO.Pipelines;
using System.Text;
using FlowStream.AspNetCore.Internal;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlowStream.AspNetCore.Tests;

/// <summary>
/// How a stream ends, seen from the streamer itself (an in-memory response, no socket): the reader it holds is released whichever
/// way it ends, a client that leaves cancels the execution only when asked to, a stream of an execution that runs elsewhere ends
/// when this host stops, keepalives fill silence, and each ending is logged with its numbers.
/// </summary>
public sealed class ExecutionStreamerLifecycleTests : IAsyncDisposable
{
    private readonly Gates _gates = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ServiceProvider _services;
    private readonly IWorkflowEngine _engine;
    private readonly ActiveReaders _readers;

    public ExecutionStreamerLifecycleTests()
    {
        var builder = new ServiceCollection().AddFlowStream();
        Flows.Register(builder, _gates);
        _services = builder.Services.BuildServiceProvider();
        _engine = _services.GetRequiredService<IWorkflowEngine>();
        _readers = new ActiveReaders(_services);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFinishedExecution_IsStreamedWhole_OpenedAndCompletedAreLogged_AndItsReaderReleased()
    {
        var execution = _engine.Start(Flows.Two);
        await execution.Completion.WithTimeout("the execution");
        var (context, body, _) = NewContext();

        await Streamer().StreamAsync(context, execution.Id, execution, 0, cancelOnDisconnect: false).WithTimeout("the stream");

        var last = await LastSequenceAsync(execution.Id);
        var events = await _engine.SubscribeAsync(execution.Id, 0, Ct).ToListAsync(Ct);
        body.Text.Should().Be(string.Concat(events.Select(e => $"id: {e.Sequence}\ndata: {e}\n\n")));
        events[^1].Sequence.Should().Be(last);
        _logs.Messages.Should().Contain($"2001 Stream of execution {execution.Id} opened after event 0.")
            .And.Contain($"2002 Stream of execution {execution.Id} completed after event {last}.");
        _readers.Count.Should().Be(0);
        context.Response.Headers.CacheControl.ToString().Should().Be("no-cache");
        context.Response.Headers["X-Accel-Buffering"].ToString().Should().Be("no");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AClientThatLeaves_ReleasesItsReader_AndCancelsTheExecutionOnlyWhenAsked(bool cancelOnDisconnect)
    {
        var execution = StartGated();
        await WaitForGateAsync(execution.Id);
        var after = await LastSequenceAsync(execution.Id);
        var (context, _, abort) = NewContext();

        // Attached at the tail: the read parks, the streamer waits.
        var streaming = Streamer().StreamAsync(context, execution.Id, execution, after, cancelOnDisconnect);
        streaming.IsCompleted.Should().BeFalse();
        _readers.Count.Should().Be(1);
        await abort.CancelAsync();
        await streaming.WithTimeout("the stream to end after the client left");

        _readers.Count.Should().Be(0, "the parked read's subscription is disposed");
        var outcome = cancelOnDisconnect ? "was canceled" : "goes on";
        _logs.Messages.Should().Contain($"2003 The client of execution {execution.Id}'s stream disconnected after event {after}; the execution {outcome}.");
        if (cancelOnDisconnect)
        {
            (await execution.Completion.WithTimeout("the canceled execution")).Should().Be(ExecutionStatus.Canceled);
        }
        else
        {
            execution.Status.Should().Be(ExecutionStatus.Running);
            _gates.Release("Gate");
            (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Success);
        }
    }

    [Fact]
    public async Task AClientThatLeavesAfterTheEnd_CancelsNothing_AndLogsNoDisconnect()
    {
        var execution = _engine.Start(Flows.Two);
        await execution.Completion.WithTimeout("the execution");
        var (context, _, abort) = NewContext();

        await Streamer().StreamAsync(context, execution.Id, execution, 0, cancelOnDisconnect: true).WithTimeout("the stream");
        await abort.CancelAsync();

        _logs.Messages.Should().NotContain(line => line.StartsWith("2003 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AStreamOfAnExecutionRunningElsewhere_EndsWhenThisHostStops_WithoutExecutionFinished()
    {
        var execution = StartGated();
        await WaitForGateAsync(execution.Id);
        var after = await LastSequenceAsync(execution.Id);
        var (context, body, _) = NewContext();
        using var stopping = new CancellationTokenSource();

        // local: null, as for an execution another host runs.
        var streaming = new ExecutionStreamer(_services.GetRequiredService<IExecutionEventReader>(), new ExecutionStreamOptions(), TimeProvider.System, _logs.CreateLogger("FlowStream.AspNetCore"), stopping.Token)
            .StreamAsync(context, execution.Id, null, after - 1, cancelOnDisconnect: true);
        await stopping.CancelAsync();
        await streaming.WithTimeout("the stream to end on shutdown");

        body.Text.Should().StartWith($"id: {after}\ndata: ", "the event it had was sent; then it ended").And.NotContain("executionFinished");
        _logs.Messages.Should().Contain($"2006 The host is stopping: the stream of execution {execution.Id}, which does not run on this host, ended after event {after} without executionFinished; its client re-attaches elsewhere.");
        _readers.Count.Should().Be(0);
        execution.Status.Should().Be(ExecutionStatus.Running, "the stream's end does not touch an execution that runs elsewhere");
        _gates.Release("Gate");
        await execution.Completion.WithTimeout("the execution");
    }

    [Fact]
    public async Task ALocalExecutionsStream_IgnoresTheHostStopping_AndEndsWithExecutionFinished()
    {
        var execution = StartGated();
        await WaitForGateAsync(execution.Id);
        var (context, body, _) = NewContext();
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        var streaming = new ExecutionStreamer(_services.GetRequiredService<IExecutionEventReader>(), new ExecutionStreamOptions(), TimeProvider.System, _logs.CreateLogger("FlowStream.AspNetCore"), stopping.Token)
            .StreamAsync(context, execution.Id, execution, 0, cancelOnDisconnect: false);
        streaming.IsCompleted.Should().BeFalse("the execution runs here: its stream ends with its executionFinished");
        _gates.Release("Gate");
        await streaming.WithTimeout("the stream");

        body.Text.Should().Contain("executionFinished");
        _logs.Messages.Should().Contain(line => line.StartsWith("2002 ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Silence_IsFilledWithKeepalives_AtTheHeartbeatInterval()
    {
        var execution = StartGated();
        await WaitForGateAsync(execution.Id);
        var after = await LastSequenceAsync(execution.Id);
        var time = new FakeTimeProvider();
        var (context, body, abort) = NewContext();
        var options = new ExecutionStreamOptions { HeartbeatInterval = TimeSpan.FromSeconds(15) };

        var streaming = new ExecutionStreamer(_services.GetRequiredService<IExecutionEventReader>(), options, time, _logs.CreateLogger("FlowStream.AspNetCore")).StreamAsync(context, execution.Id, execution, after, false);
        time.Advance(TimeSpan.FromSeconds(14));
        body.Text.Should().BeEmpty("nothing was sent before the interval passed");
        time.Advance(TimeSpan.FromSeconds(1));
        await body.WhenWrittenAsync(": keepalive\n\n").WithTimeout("the first keepalive");
        time.Advance(TimeSpan.FromSeconds(15));
        await body.WhenWrittenAsync(": keepalive\n\n: keepalive\n\n").WithTimeout("the second keepalive");

        _gates.Release("Gate");
        await streaming.WithTimeout("the stream");
        body.Text.Should().StartWith(": keepalive\n\n: keepalive\n\nid: ").And.Contain("executionFinished");
        await abort.CancelAsync();
    }

    [Fact]
    public async Task AStartBeforeTheRetainedEvents_Is410ProblemJson_BeforeAnyEventIsSent()
    {
        await using var services = new ServiceCollection().AddFlowStream(o => o.MaxRetainedEventsPerExecution = 4).Services.BuildServiceProvider();
        var engine = services.GetRequiredService<IWorkflowEngine>();
        var execution = engine.Start(Flows.Chain50);
        await execution.Completion.WithTimeout("the execution");
        var (context, _, _) = NewContext();

        await new ExecutionStreamer(services.GetRequiredService<IExecutionEventReader>(), new ExecutionStreamOptions(), TimeProvider.System, _logs.CreateLogger("FlowStream.AspNetCore"))
            .StreamAsync(context, execution.Id, execution, 0, false).WithTimeout("the stream");

        context.Response.StatusCode.Should().Be(StatusCodes.Status410Gone);
        context.Response.ContentType.Should().Be("application/problem+json");
    }

    public async ValueTask DisposeAsync()
    {
        _readers.Dispose();
        await _services.DisposeAsync();
    }

    private WorkflowExecution StartGated() => _engine.Start(Flows.Gated);

    private ExecutionStreamer Streamer() => new(_services.GetRequiredService<IExecutionEventReader>(), new ExecutionStreamOptions(), TimeProvider.System, _logs.CreateLogger("FlowStream.AspNetCore"));

    private async Task WaitForGateAsync(long executionId)
        => await _engine.SubscribeAsync(executionId, 0, Ct).FirstAsync(e => e.Type == ExecutionEventTypes.NodeExecutionBefore && e.Data.GetProperty("nodeName").GetString() == "Gate", Ct).AsTask().WithTimeout("Gate to start");

    private Task<long> LastSequenceAsync(long executionId)
    {
        _services.GetRequiredService<IExecutionEventReader>().TryGetLastSequence(executionId, out var last).Should().BeTrue();
        return Task.FromResult(last);
    }

    private static (DefaultHttpContext Context, RecordingBody Body, CancellationTokenSource Abort) NewContext()
    {
        var body = new RecordingBody();
        var abort = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestAborted = abort.Token };
        context.Request.Protocol = "HTTP/1.1";
        context.Features.Set<IHttpResponseBodyFeature>(body);
        return (context, body, abort);
    }

    /// <summary>A response body that records what is flushed and can be awaited for a text.</summary>
    private sealed class RecordingBody : IHttpResponseBodyFeature
    {
        private readonly MemoryStream _stream = new();
        private readonly Lock _lock = new();
        private readonly List<(string Text, TaskCompletionSource Done)> _waits = [];

        public RecordingBody() => Writer = new NotifyingWriter(PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true)), this);

        public string Text
        {
            get
            {
                lock (_lock)
                {
                    return Encoding.UTF8.GetString(_stream.ToArray());
                }
            }
        }

        public Stream Stream => _stream;

        public PipeWriter Writer { get; }

        public Task WhenWrittenAsync(string text)
        {
            lock (_lock)
            {
                if (Encoding.UTF8.GetString(_stream.ToArray()).Contains(text, StringComparison.Ordinal))
                {
                    return Task.CompletedTask;
                }

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((text, done));
                return done.Task;
            }
        }

        public Task CompleteAsync() => Writer.CompleteAsync().AsTask();

        public void DisableBuffering()
        {
        }

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

        private void Flushed()
        {
            lock (_lock)
            {
                var text = Encoding.UTF8.GetString(_stream.ToArray());
                _waits.RemoveAll(w =>
                {
                    if (!text.Contains(w.Text, StringComparison.Ordinal))
                    {
                        return false;
                    }

                    w.Done.TrySetResult();
                    return true;
                });
            }
        }

        private sealed class NotifyingWriter(PipeWriter inner, RecordingBody owner) : PipeWriter
        {
            public override void Advance(int bytes) => inner.Advance(bytes);

            public override void CancelPendingFlush() => inner.CancelPendingFlush();

            public override void Complete(Exception? exception = null) => inner.Complete(exception);

            public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
            {
                FlushResult result;
                lock (owner._lock)
                {
                    result = inner.FlushAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
                }

                owner.Flushed();
                return await ValueTask.FromResult(result);
            }

            public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

            public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        }
    }
}
