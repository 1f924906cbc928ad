using System.Runtime.CompilerServices;
using System.Text.Json;
using FlowStream.Diagnostics;
using FlowStream.Events;
using FlowStream.Templates;
using Microsoft.Extensions.Logging;

namespace FlowStream.Engine;

/// <summary>
/// Runs one node's attempts: templates, the handler call, retries with backoff, per-attempt timeouts, and giving up on a handler
/// that ignores its token. Never throws: every way a node can end is a <see cref="NodeOutcome"/>.
/// </summary>
internal sealed class NodeInvoker(ExecutionRun run, ExecutionEnvironment environment)
{
    /// <summary>Runs the node. A handler that completes synchronously, with no retry or timeout to arm, costs no async machinery.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ValueTask<NodeOutcome> InvokeAsync(int index, JsonElement input)
    {
        var node = run.Graph.Nodes[index];
        if (node.TimeoutMs is not null)
        {
            return RunAttemptsAsync(index, input, 1, default, null);
        }

        NodeExecutionContext? context = null;
        ValueTask<NodeResult> pending;
        try
        {
            if (!TryPrepare(index, input, 1, out context, out var failure))
            {
                return new(failure);
            }

            pending = run.GetHandler(index).ExecuteAsync(context, run.CancellationToken);
        }
        catch (Exception ex)
        {
            context?.End();
            return node.Retry is null || ex is TemplateException ? new(ToOutcome(index, null, ex)) : RunAttemptsAsync(index, input, 1, default, ex);
        }

        if (pending.IsCompletedSuccessfully)
        {
            context.End();
            var outcome = ToOutcome(index, pending.Result, null);
            return outcome.Status == NodeExecutionStatus.Error && node.Retry is not null && !IsFinal(outcome) ? RunAttemptsAsync(index, input, 1, default, null, outcome.ErrorMessage) : new(outcome);
        }

        return RunAttemptsAsync(index, input, 1, pending, null, null, context);
    }

    private async ValueTask<NodeOutcome> RunAttemptsAsync(int index, JsonElement input, int attempt, ValueTask<NodeResult> firstPending, Exception? firstException, string? firstError = null, NodeExecutionContext? firstContext = null)
    {
        var node = run.Graph.Nodes[index];
        var maxTries = node.Retry?.MaxTries ?? 1;
        var resumeFirst = firstContext is not null || firstException is not null || firstError is not null;
        for (; ; attempt++)
        {
            string error;
            if (resumeFirst)
            {
                resumeFirst = false;
                if (firstException is not null)
                {
                    error = Describe(firstException);
                }
                else if (firstError is not null)
                {
                    error = firstError;
                }
                else
                {
                    var outcome = await AwaitAttemptAsync(index, firstContext!, firstPending, null).ConfigureAwait(false);
                    if (outcome.Status != NodeExecutionStatus.Error || outcome.ErrorMessage is null || IsFinal(outcome))
                    {
                        return outcome;
                    }

                    error = outcome.ErrorMessage;
                }
            }
            else
            {
                if (!TryPrepare(index, input, attempt, out var context, out var failure))
                {
                    return failure;
                }

                CancellationTokenSource? timeout = node.TimeoutMs is { } ms ? new CancellationTokenSource(TimeSpan.FromMilliseconds(ms), environment.Time) : null;
                var linked = timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(run.CancellationToken, timeout.Token);
                try
                {
                    ValueTask<NodeResult> pending;
                    try
                    {
                        pending = run.GetHandler(index).ExecuteAsync(context, linked?.Token ?? run.CancellationToken);
                    }
                    catch (Exception ex) when (ex is not TemplateException)
                    {
                        context.End();
                        pending = ValueTask.FromException<NodeResult>(ex);
                    }

                    var outcome = await AwaitAttemptAsync(index, context, pending, timeout, linked).ConfigureAwait(false);
                    if (outcome.Status != NodeExecutionStatus.Error || outcome.ErrorMessage is null || IsFinal(outcome))
                    {
                        return outcome;
                    }

                    error = outcome.ErrorMessage;
                }
                finally
                {
                    linked?.Dispose();
                    timeout?.Dispose();
                }
            }

            Log.NodeFailed(environment.Logger, node.Name, run.ExecutionId, attempt, error);
            if (run.CancellationToken.IsCancellationRequested)
            {
                return NodeOutcome.Canceled(node.Name);
            }

            if (attempt >= maxTries)
            {
                return NodeOutcome.Error(error);
            }

            var waitMs = RetryDelayMs(node.Retry!, attempt);
            run.AnnounceRetry(index, attempt, error, waitMs);
            try
            {
                if (waitMs > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(waitMs), environment.Time, run.CancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Never retry without yielding: a handler that fails synchronously cannot spin a thread.
                    await Task.Yield();
                    run.CancellationToken.ThrowIfCancellationRequested();
                }
            }
            catch (OperationCanceledException)
            {
                return NodeOutcome.Canceled(node.Name);
            }
        }
    }

    /// <summary>The wait before try n+1: <c>waitMs × backoffMultiplier^(n−1)</c>, at most <see cref="int.MaxValue"/> ms.</summary>
    internal static long RetryDelayMs(NodeRetryPolicy retry, int attempt)
        => (long)Math.Min(retry.WaitMs * Math.Pow(retry.BackoffMultiplier, attempt - 1), int.MaxValue);

    private async ValueTask<NodeOutcome> AwaitAttemptAsync(int index, NodeExecutionContext context, ValueTask<NodeResult> pending, CancellationTokenSource? timeout, CancellationTokenSource? linked = null)
    {
        var node = run.Graph.Nodes[index];
        var token = linked?.Token ?? run.CancellationToken;
        try
        {
            NodeResult? result;
            if (pending.IsCompleted)
            {
                result = await pending.ConfigureAwait(false);
            }
            else
            {
                var task = pending.AsTask();
                try
                {
                    result = await task.WaitAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested && !task.IsCompleted)
                {
                    Abandon(task, node, timeout?.IsCancellationRequested == true && !run.CancellationToken.IsCancellationRequested ? "timed out" : "canceled");
                    throw;
                }
            }

            return ToOutcome(index, result, null);
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true && !run.CancellationToken.IsCancellationRequested)
        {
            return NodeOutcome.Error($"Node '{node.Name}' timed out after {node.TimeoutMs} ms");
        }
        catch (OperationCanceledException) when (run.CancellationToken.IsCancellationRequested)
        {
            return NodeOutcome.Canceled(node.Name);
        }
        catch (Exception ex)
        {
            return ToOutcome(index, null, ex);
        }
        finally
        {
            context.End();
        }
    }

    /// <summary>Resolves templates and checks the resolved parameters' size; a failure here is final (a retry would fail the same way).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryPrepare(int index, JsonElement input, int attempt, out NodeExecutionContext context, out NodeOutcome failure)
    {
        var node = run.Graph.Nodes[index];
        JsonElement parameters;
        try
        {
            parameters = run.Graph.HasTemplates[index]
                ? TemplateResolver.Resolve(node.Parameters, run.CreateTemplateScope(input))
                : node.Parameters.ValueKind == JsonValueKind.Object ? node.Parameters : NodeResult.EmptyObject;
        }
        catch (TemplateException ex)
        {
            context = null!;
            failure = new NodeOutcome(NodeExecutionStatus.Error, null, ex.Message, [FinalMarker]);
            return false;
        }

        var limit = environment.Options.MaxParametersBytesPerNode;
        if (run.Graph.HasTemplates[index] && EventJsonWriter.SizeOf(parameters) is var size && size > limit)
        {
            context = null!;
            failure = new NodeOutcome(NodeExecutionStatus.Error, null, $"The parameters of node '{node.Name}' take {size} bytes once templates are resolved; at most {limit} are allowed (FlowStreamOptions.MaxParametersBytesPerNode).", [FinalMarker]);
            return false;
        }

        context = new NodeExecutionContext(run, index, attempt, parameters, input, run.GetNodeLogger(index));
        failure = default;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private NodeOutcome ToOutcome(int index, NodeResult? result, Exception? exception)
    {
        var node = run.Graph.Nodes[index];
        if (exception is TemplateException template)
        {
            return new NodeOutcome(NodeExecutionStatus.Error, null, template.Message, [FinalMarker]);
        }

        if (exception is OperationCanceledException && run.CancellationToken.IsCancellationRequested)
        {
            return NodeOutcome.Canceled(node.Name);
        }

        if (exception is not null)
        {
            return NodeOutcome.Error(Describe(exception));
        }

        if (result is null)
        {
            return NodeOutcome.Error($"The handler of node type '{node.Type}' returned no result.");
        }

        if (!result.IsSuccess)
        {
            // A failure the handler knows to be permanent (NodeResult.IsRetryable false) is not repeated by the node's retry policy.
            return result.IsRetryable ? NodeOutcome.Error(result.ErrorMessage!) : new NodeOutcome(NodeExecutionStatus.Error, null, result.ErrorMessage, [FinalMarker]);
        }

        var size = EventJsonWriter.SizeOf(result.Output);
        var limit = environment.Options.MaxNodeOutputBytes;
        if (size > limit)
        {
            return new NodeOutcome(NodeExecutionStatus.Error, null, $"The output of node '{node.Name}' takes {size} bytes; at most {limit} are allowed (FlowStreamOptions.MaxNodeOutputBytes).", [FinalMarker]);
        }

        return new NodeOutcome(NodeExecutionStatus.Success, result.Output, null, result.OutputNames);
    }

    /// <summary>Marks an error outcome that a retry cannot fix (carried in <see cref="NodeOutcome.Outputs"/>, which errors do not use otherwise).</summary>
    internal const string FinalMarker = "\0final";

    private static bool IsFinal(NodeOutcome outcome) => outcome.Outputs is [FinalMarker];

    private static string Describe(Exception ex) => string.IsNullOrEmpty(ex.Message) ? ex.GetType().Name : ex.Message;

    private void Abandon(Task task, NodeDefinition node, string outcome)
    {
        _ = task.ContinueWith(
            static (t, state) =>
            {
                var (logger, name, id, why) = ((ILogger, string, long, string))state!;
                Log.AbandonedHandlerFailed(logger, name, id, why, t.Exception!.GetBaseException().Message);
            },
            (environment.Logger, node.Name, run.ExecutionId, outcome),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
