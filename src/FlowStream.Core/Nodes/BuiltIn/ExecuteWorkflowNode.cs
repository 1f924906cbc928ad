using System.Buffers;
using System.Text.Json;
using FlowStream.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowStream.Nodes.BuiltIn;

/// <summary>
/// <c>executeWorkflow</c>: runs the workflow <c>workflowId</c> of the <see cref="IWorkflowStore"/> as a child execution (its own id and
/// events, the same owner, <c>parentExecutionId</c>/<c>parentNodeName</c> in its request), reports the child's id at once as a
/// <c>nodeExecutionProgress</c> (<c>{"childExecutionId": n, "workflowId": "..."}</c>), waits for it and outputs its result: the output of
/// the child's node that finished successfully last (ties broken by the later node in definition order), or <c>{}</c> when none did.
/// A child that fails fails the node with the child's error; canceling the node (or the parent execution) cancels the child.
/// </summary>
internal sealed class ExecuteWorkflowNode(IWorkflowEngine engine, IServiceProvider services, ExecutionNesting nesting, IOptions<FlowStreamOptions> options) : INodeHandler
{
    /// <summary>The <c>mode</c> of a child execution's <c>executionStarted</c>.</summary>
    public const string ChildMode = "child";

    public async ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
    {
        var where = $"node '{context.Node.Name}'";
        if (!context.Parameters.TryGetProperty("workflowId"u8, out var idValue) || idValue.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(idValue.GetString()))
        {
            return NodeResult.Failure($"Parameter 'workflowId' of {where} must name a workflow of the store.");
        }

        var workflowId = idValue.GetString()!;
        var store = services.GetService<IWorkflowStore>();
        if (store is null)
        {
            return NodeResult.Failure($"The {where} cannot run workflow '{workflowId}': no IWorkflowStore is registered (AddInMemoryWorkflowStore or AddDirectoryWorkflowStore).");
        }

        var depth = nesting.DepthOf(context.ExecutionId) + 1;
        var maxDepth = options.Value.MaxWorkflowNestingDepth;
        if (depth > maxDepth)
        {
            return NodeResult.Failure($"The {where} cannot run workflow '{workflowId}': executions would nest {depth} deep, more than the limit of {maxDepth} (FlowStreamOptions.MaxWorkflowNestingDepth).");
        }

        var workflow = await store.GetAsync(workflowId, cancellationToken).ConfigureAwait(false);
        if (workflow is null)
        {
            return NodeResult.Failure($"The {where} cannot run workflow '{workflowId}': the store has no workflow with that id.");
        }

        var inputData = context.Parameters.TryGetProperty("inputData"u8, out var given) && given.ValueKind != JsonValueKind.Null ? given : context.Input;
        var request = new ExecutionRequest
        {
            InputData = inputData,
            Mode = ChildMode,
            OwnerId = context.OwnerId,
            ParentExecutionId = context.ExecutionId,
            ParentNodeName = context.Node.Name,
        };

        WorkflowExecution child;
        try
        {
            child = nesting.StartChild(engine, workflow, request, depth);
        }
        catch (WorkflowValidationException ex)
        {
            return NodeResult.Failure($"The {where} cannot run workflow '{workflowId}': {ex.Message}");
        }

        context.ReportProgress(ChildReport(child.Id, workflowId));
        ExecutionStatus status;
        using (cancellationToken.Register(static state => ((WorkflowExecution)state!).Cancel(), child))
        {
            status = await child.Completion.ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return status switch
        {
            ExecutionStatus.Success => NodeResult.Success(FinalOutput(child)),
            ExecutionStatus.Canceled => NodeResult.Failure($"Workflow '{workflowId}' (execution {child.Id}) was canceled."),
            _ => NodeResult.Failure($"Workflow '{workflowId}' (execution {child.Id}) failed: {child.ErrorMessage ?? "unknown error"}"),
        };
    }

    private static JsonElement FinalOutput(WorkflowExecution child)
    {
        NodeExecutionState? last = null;
        foreach (var state in child.GetNodeStates())
        {
            if (state.Status == NodeExecutionStatus.Success && state.Output is not null
                && (last is null || state.FinishedAt >= last.FinishedAt))
            {
                last = state;
            }
        }

        return last?.Output ?? NodeResult.EmptyObject;
    }

    private static JsonElement ChildReport(long childExecutionId, string workflowId)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("childExecutionId"u8, childExecutionId);
            writer.WriteString("workflowId"u8, workflowId);
            writer.WriteEndObject();
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, FlowStreamJsonContext.Default.JsonElement);
    }
}
