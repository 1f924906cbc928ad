using Microsoft.Extensions.Logging;

namespace FlowStream.Redis.Internal;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "FlowStream.Redis connecting (connected at once: {Connected}).")]
    public static partial void Connecting(ILogger logger, bool connected);

    [LoggerMessage(2, LogLevel.Warning, "Redis is unreachable; {Executions} executions buffer their events locally until it returns.")]
    public static partial void Unreachable(ILogger logger, int executions, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "Redis is reachable again; buffered events are flushed in order.")]
    public static partial void Reachable(ILogger logger);

    [LoggerMessage(4, LogLevel.Error, "Execution {ExecutionId} fails: {Reason}")]
    public static partial void ExecutionFailed(ILogger logger, long executionId, string reason);

    [LoggerMessage(5, LogLevel.Warning, "Execution {ExecutionId} was running on instance {Instance}, whose lease lapsed: this instance ({Me}) ends it.")]
    public static partial void EndingLostExecution(ILogger logger, long executionId, string? instance, string me);

    [LoggerMessage(6, LogLevel.Warning, "Could not end lost execution {ExecutionId}.")]
    public static partial void EndingLostExecutionFailed(ILogger logger, long executionId, Exception exception);

    [LoggerMessage(7, LogLevel.Information, "Instance {Instance} holds id slot {Slot}.")]
    public static partial void SlotClaimed(ILogger logger, string instance, int slot);

    [LoggerMessage(8, LogLevel.Warning, "A background task of the Redis backplane failed; it goes on.")]
    public static partial void BackgroundFailed(ILogger logger, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "A control message could not be handled.")]
    public static partial void ControlFailed(ILogger logger, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Execution {ExecutionId} started, but its first events did not reach Redis within {Timeout}: until they do, other instances do not find it.")]
    public static partial void NotVisibleInTime(ILogger logger, long executionId, TimeSpan timeout);
}
