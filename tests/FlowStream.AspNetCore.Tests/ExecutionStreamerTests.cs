using System.IO.Pipelines;
using System.Text;
using FlowStream.AspNetCore.Internal;
using FlowStream.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlowStream.AspNetCore.Tests;

/// <summary>The streamer against an in-memory response: flush policy and framing, without a socket in the way.</summary>
public class ExecutionStreamerTests
{
    [Fact]
    public async Task StreamAsync_BacklogOfEvents_IsFlushedOncePerBurstNotPerEvent()
    {
        await using var services = new ServiceCollection().AddFlowStream().Services.BuildServiceProvider();
        var engine = services.GetRequiredService<IWorkflowEngine>();
        var execution = engine.Start(Flows.Chain50);
        await execution.Completion.WithTimeout("the execution to finish");
        var body = new CountingResponseBody();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(body);

        await new ExecutionStreamer(services.GetRequiredService<IExecutionEventReader>(), new ExecutionStreamOptions(), TimeProvider.System, NullLogger.Instance).StreamAsync(context, execution.Id, execution, 0, cancelOnDisconnect: false);

        var events = await engine.SubscribeAsync(execution.Id, 0, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        var expected = string.Concat(events.Select(e => $"id: {e.Sequence}\ndata: {e}\n\n"));
        body.Text.Should().Be(expected);
        events.Should().HaveCount(102);
        body.Flushes.Should().BeLessThanOrEqualTo(2, "102 queued events go out in one burst (plus the final flush), not one flush each");
        context.Response.ContentType.Should().Be("text/event-stream");
    }

    [Fact]
    public async Task StreamAsync_LargeBacklog_FlushesAtTheUnflushedByteLimit()
    {
        await using var services = new ServiceCollection().AddFlowStream().Services.BuildServiceProvider();
        var engine = services.GetRequiredService<IWorkflowEngine>();
        var execution = engine.Start(Flows.Chain50);
        await execution.Completion.WithTimeout("the execution to finish");
        var body = new CountingResponseBody();
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpResponseBodyFeature>(body);

        await new ExecutionStreamer(services.GetRequiredService<IExecutionEventReader>(), new ExecutionStreamOptions { MaxUnflushedBytes = 1024 }, TimeProvider.System, NullLogger.Instance)
            .StreamAsync(context, execution.Id, execution, 0, cancelOnDisconnect: false);

        var bytes = Encoding.UTF8.GetByteCount(body.Text);
        body.Flushes.Should().BeInRange(bytes / 1400, (bytes / 1024) + 2, "a long burst is flushed about every MaxUnflushedBytes");
    }

    /// <summary>A response body that records what is written and counts flushes.</summary>
    private sealed class CountingResponseBody : IHttpResponseBodyFeature
    {
        private readonly MemoryStream _stream = new();
        private readonly CountingPipeWriter _writer;

        public CountingResponseBody() => _writer = new CountingPipeWriter(PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true)));

        public int Flushes => _writer.Flushes;

        public string Text => Encoding.UTF8.GetString(_stream.ToArray());

        public Stream Stream => _stream;

        public PipeWriter Writer => _writer;

        public Task CompleteAsync() => _writer.CompleteAsync().AsTask();

        public void DisableBuffering()
        {
        }

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    private sealed class CountingPipeWriter(PipeWriter inner) : PipeWriter
    {
        public int Flushes { get; private set; }

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Flushes++;
            return inner.FlushAsync(cancellationToken);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
    }
}
