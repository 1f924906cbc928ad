using Microsoft.Extensions.Logging;

namespace FlowStream.Diagnostics;

/// <summary>Log messages of FlowStream.Core, with stable event ids (1xxx). Never parameters, outputs or input data.</summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Information, "Execution {ExecutionId} of workflow '{WorkflowId}' started ({TotalNodes} nodes, parallelism {MaxDegreeOfParallelism}).")]
    public static partial void ExecutionStarted(ILogger logger, long executionId, string workflowId, int totalNodes, int maxDegreeOfParallelism);

    [LoggerMessage(1002, LogLevel.Information, "Execution {ExecutionId} finished with status {Status} in {ElapsedMs} ms.")]
    public static partial void ExecutionFinished(ILogger logger, long executionId, string status, long elapsedMs);

    [LoggerMessage(1003, LogLevel.Warning, "Node '{NodeName}' of execution {ExecutionId} failed on attempt {Attempt}: {Message}")]
    public static partial void NodeFailed(ILogger logger, string nodeName, long executionId, int attempt, string message);

    [LoggerMessage(1004, LogLevel.Error, "Execution {ExecutionId} failed inside the scheduler.")]
    public static partial void SchedulerFailed(ILogger logger, long executionId, Exception exception);

    [LoggerMessage(1005, LogLevel.Debug, "A subscriber of execution {ExecutionId} fell behind at event {Sequence}; it will catch up from the event log.")]
    public static partial void SubscriberLagging(ILogger logger, long executionId, long sequence);

    [LoggerMessage(1006, LogLevel.Information, "Execution {ExecutionId}: cancel requested.")]
    public static partial void CancelRequested(ILogger logger, long executionId);

    [LoggerMessage(1007, LogLevel.Debug, "Evicted finished execution {ExecutionId}.")]
    public static partial void ExecutionEvicted(ILogger logger, long executionId);

    [LoggerMessage(1008, LogLevel.Warning, "A handler of node '{NodeName}' in execution {ExecutionId} kept running after its node was {Outcome}; it failed later: {Message}")]
    public static partial void AbandonedHandlerFailed(ILogger logger, string nodeName, long executionId, string outcome, string message);

    [LoggerMessage(1009, LogLevel.Error, "Workflow file {Path} was not loaded: {Reason}")]
    public static partial void WorkflowFileRejected(ILogger logger, string path, string reason);

    [LoggerMessage(1010, LogLevel.Error, "Workflow folder {Path} does not exist: no workflows were loaded.")]
    public static partial void WorkflowFolderMissing(ILogger logger, string path);
}
