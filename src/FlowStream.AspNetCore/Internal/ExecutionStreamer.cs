using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace FlowStream.AspNetCore.Internal;

/// <summary>
/// Sends the events of one execution to one HTTP response as Server-Sent Events. <c>hostStopping</c> fires when the host starts to
/// stop: executions that run here are canceled then (so their streams end after <c>executionFinished</c>), while a stream of an
/// execution that runs on another host (a shared store) ends at once, between two events, so that its client re-attaches with
/// <c>Last-Event-ID</c> wherever it is sent next instead of holding this host's shutdown up until the server aborts it.
/// </summary>
internal sealed class ExecutionStreamer(IExecutionEventReader reader, ExecutionStreamOptions options, TimeProvider timeProvider, ILogger logger, CancellationToken hostStopping = default)
{
    /// <summary>
    /// Opens a cursor after <paramref name="afterSequence"/>, sends the headers at once, then writes every batch of events the cursor
    /// returns and flushes once per batch (one flush per burst, never one per event while a backlog exists), writing
    /// <c>: keepalive</c> after <see cref="ExecutionStreamOptions.HeartbeatInterval"/> of silence. Ends after <c>executionFinished</c>,
    /// or when the client goes away (which never stops the execution unless <paramref name="cancelOnDisconnect"/>).
    /// </summary>
    public async Task StreamAsync(HttpContext context, long executionId, WorkflowExecution? local, long afterSequence, bool cancelOnDisconnect)
    {
        var aborted = context.RequestAborted;

        // Only a stream of an execution that runs elsewhere ends when this host stops: a local one ends with its executionFinished.
        var stopping = local is null ? hostStopping : CancellationToken.None;
        TaskCompletionSource? stopSignal = stopping.CanBeCanceled ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        using var stopRegistration = stopSignal is null ? default : stopping.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), stopSignal);
        if (!reader.TryOpen(executionId, afterSequence, out var subscription))
        {
            await ProblemWriter.NotFoundAsync(context, $"Execution {executionId} was not found.").ConfigureAwait(false);
            return;
        }

        var lastSequence = afterSequence;
        var finished = false;
        await using (subscription.ConfigureAwait(false))
        {
            ValueTask<ReadOnlyMemory<ExecutionEvent>> next = default;
            var pending = false;
            try
            {
                next = subscription.ReadAsync(aborted);
                pending = true;

                // A position that left the retention window fails at once, while a proper status can still be sent.
                if (next.IsFaulted)
                {
                    pending = false;
                    try
                    {
                        await next.ConfigureAwait(false);
                    }
                    catch (ExecutionEventsUnavailableException ex)
                    {
                        await ProblemWriter.WriteAsync(context, StatusCodes.Status410Gone, ExecutionStreamProblemTypes.EventsUnavailable, "Events no longer retained", ex.Message).ConfigureAwait(false);
                        return;
                    }
                }

                var response = context.Response;
                response.StatusCode = StatusCodes.Status200OK;
                response.ContentType = "text/event-stream";
                response.Headers.CacheControl = "no-cache";
                response.Headers["X-Accel-Buffering"] = "no";
                response.Headers.ContentEncoding = "identity";
                if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
                {
                    response.Headers.Connection = "keep-alive";
                }

                context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
                await response.StartAsync(aborted).ConfigureAwait(false);
                if (!next.IsCompleted)
                {
                    // Nothing to send yet (attached at the tail of a running execution): the headers go out now, not with the first event.
                    await response.BodyWriter.FlushAsync(aborted).ConfigureAwait(false);
                }

                Log.StreamOpened(logger, executionId, afterSequence);

                var writer = response.BodyWriter;
                var unflushed = 0;
                while (true)
                {
                    if (stopping.IsCancellationRequested)
                    {
                        break;
                    }

                    if (!next.IsCompleted)
                    {
                        // Nothing more available: what was written goes out now, as one flush.
                        if (unflushed > 0)
                        {
                            unflushed = 0;
                            if ((await writer.FlushAsync(aborted).ConfigureAwait(false)).IsCanceled)
                            {
                                break;
                            }
                        }

                        if (!next.IsCompleted)
                        {
                            // From here on the pending read is a Task, which may be awaited more than once (a ValueTask may not).
                            var waiting = next.AsTask();
                            next = new ValueTask<ReadOnlyMemory<ExecutionEvent>>(waiting);
                            if (!await WaitWithHeartbeatsAsync(waiting, writer, stopSignal?.Task, aborted).ConfigureAwait(false))
                            {
                                break;
                            }
                        }
                    }

                    pending = false;
                    var batch = await next.ConfigureAwait(false);
                    if (batch.IsEmpty)
                    {
                        break;
                    }

                    // The batch is valid until the next read: write all of it before reading again, flushing on the way
                    // whenever MaxUnflushedBytes have accumulated.
                    for (var i = 0; i < batch.Length; i++)
                    {
                        var executionEvent = batch.Span[i];
                        unflushed += SseEventWriter.Write(writer, executionEvent);
                        lastSequence = executionEvent.Sequence;
                        finished = executionEvent.IsTerminal;
                        if (unflushed >= options.MaxUnflushedBytes)
                        {
                            unflushed = 0;
                            await writer.FlushAsync(aborted).ConfigureAwait(false);
                        }
                    }

                    next = subscription.ReadAsync(aborted);
                    pending = true;
                }

                await writer.FlushAsync(aborted).ConfigureAwait(false);
                if (finished || !stopping.IsCancellationRequested)
                {
                    Log.StreamCompleted(logger, executionId, lastSequence);
                }
                else
                {
                    Log.StreamEndedOnShutdown(logger, executionId, lastSequence);
                }
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
                // The client went away.
            }
            catch (IOException) when (aborted.IsCancellationRequested)
            {
            }
            catch (ExecutionEventsUnavailableException ex)
            {
                // Fell behind the retention window mid-stream: end the response; a reconnect gets 410 with the details.
                Log.StreamLostEvents(logger, executionId, ex);
            }
            finally
            {
                if (pending)
                {
                    // A read still parked ends when its subscription is disposed.
                    await subscription.DisposeAsync().ConfigureAwait(false);
                    try
                    {
                        await next.ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is OperationCanceledException or ExecutionEventsUnavailableException or ObjectDisposedException)
                    {
                    }
                }

                if (!finished && aborted.IsCancellationRequested)
                {
                    var canceled = cancelOnDisconnect && local is not null && local.Cancel();
                    Log.ClientDisconnected(logger, executionId, lastSequence, canceled ? "was canceled" : "goes on");
                }
            }
        }
    }

    /// <summary>Waits for <paramref name="pending"/>, writing keepalives meanwhile; false when <paramref name="stopped"/> completed first.</summary>
    private async Task<bool> WaitWithHeartbeatsAsync(Task pending, System.IO.Pipelines.PipeWriter writer, Task? stopped, CancellationToken cancellationToken)
    {
        while (!pending.IsCompleted)
        {
            using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(options.HeartbeatInterval, timeProvider, heartbeat.Token);
            var first = await (stopped is null ? Task.WhenAny(pending, delay) : Task.WhenAny(pending, delay, stopped)).ConfigureAwait(false);
            if (first == stopped && !pending.IsCompleted)
            {
                await heartbeat.CancelAsync().ConfigureAwait(false);
                return false;
            }

            if (first == delay && !pending.IsCompleted)
            {
                cancellationToken.ThrowIfCancellationRequested();
                SseEventWriter.WriteKeepalive(writer);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await heartbeat.CancelAsync().ConfigureAwait(false);
            }
        }

        return true;
    }

    internal static string FormatId(long id) => id.ToString(CultureInfo.InvariantCulture);
}
