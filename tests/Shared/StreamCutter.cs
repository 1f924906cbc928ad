using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace FlowStream.Testing;

/// <summary>
/// Test middleware that kills event streams mid-way, as a flaky network would: the first <c>times</c> responses it applies to
/// are aborted (<see cref="HttpContext.Abort"/>) once <c>afterEvents</c> SSE messages have been flushed. It also records the
/// <c>Last-Event-ID</c> of every request, to show where clients resumed. (Shared by the test projects as a linked file.)
/// </summary>
/// <param name="appliesTo">Which requests may be cut.</param>
/// <param name="afterEvents">How many messages a response flushes before it is cut.</param>
/// <param name="times">How many responses are cut.</param>
/// <param name="beforeCut">
/// Awaited (with the cut's number, from 1) before each abort while the response holds back further writes: lets a test cut
/// only once its client has surely received the events, since an abort discards whatever is not yet on the wire.
/// </param>
internal sealed class StreamCutter(Func<HttpContext, bool> appliesTo, int afterEvents, int times, Func<int, Task>? beforeCut = null)
{
    private readonly TaskCompletionSource _firstCut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _cut;

    /// <summary>Gets a task that completes when the first response has been aborted.</summary>
    public Task FirstCut => _firstCut.Task;

    /// <summary>Gets how many responses were cut (or set up to be cut).</summary>
    public int Cut => Math.Min(Volatile.Read(ref _cut), times);

    /// <summary>Gets how many requests the cutter applied to, cut or not.</summary>
    public int Requests => Volatile.Read(ref _cut);

    /// <summary>Gets the <c>Last-Event-ID</c> values requests carried, in order.</summary>
    public List<long> ResumedFrom { get; } = [];

    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        if (context.Request.Headers.TryGetValue("Last-Event-ID", out var lastEventId) && long.TryParse(lastEventId.ToString(), out var resumedFrom))
        {
            lock (ResumedFrom)
            {
                ResumedFrom.Add(resumedFrom);
            }
        }

        if (appliesTo(context) && Interlocked.Increment(ref _cut) is var number && number <= times)
        {
            var body = context.Features.Get<IHttpResponseBodyFeature>()!;
            Func<Task> wait = beforeCut is null ? static () => Task.CompletedTask : () => beforeCut(number);
            context.Features.Set<IHttpResponseBodyFeature>(new CuttingBody(body, context, afterEvents, wait, _firstCut));
        }

        await next(context);
    }

    private sealed class CuttingBody(IHttpResponseBodyFeature inner, HttpContext context, int afterEvents, Func<Task> beforeCut, TaskCompletionSource cut) : IHttpResponseBodyFeature
    {
        private CuttingWriter? _writer;

        public Stream Stream => inner.Stream;

        public PipeWriter Writer => _writer ??= new CuttingWriter(inner.Writer, context, afterEvents, beforeCut, cut);

        public Task CompleteAsync() => inner.CompleteAsync();

        public void DisableBuffering() => inner.DisableBuffering();

        public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) => inner.SendFileAsync(path, offset, count, cancellationToken);

        public Task StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);
    }

    /// <summary>Counts blank-line message terminators as they are written; aborts after the flush that reaches the limit.</summary>
    private sealed class CuttingWriter(PipeWriter inner, HttpContext context, int afterEvents, Func<Task> beforeCut, TaskCompletionSource cut) : PipeWriter
    {
        private Memory<byte> _last;
        private int _events;

        public override void Advance(int bytes)
        {
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
                await beforeCut();
                context.Abort();
                cut.TrySetResult();
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
