using Microsoft.Extensions.Logging;

namespace FlowStream.AspNetCore.Internal;

/// <summary>Log messages of FlowStream.AspNetCore, with stable event ids (2xxx). Never bodies, inputs or outputs.</summary>
internal static partial class Log
{
    [LoggerMessage(2001, LogLevel.Debug, "Stream of execution {ExecutionId} opened after event {AfterSequence}.")]
    public static partial void StreamOpened(ILogger logger, long executionId, long afterSequence);

    [LoggerMessage(2002, LogLevel.Debug, "Stream of execution {ExecutionId} completed after event {LastSequence}.")]
    public static partial void StreamCompleted(ILogger logger, long executionId, long lastSequence);

    [LoggerMessage(2003, LogLevel.Information, "The client of execution {ExecutionId}'s stream disconnected after event {LastSequence}; the execution {Outcome}.")]
    public static partial void ClientDisconnected(ILogger logger, long executionId, long lastSequence, string outcome);

    [LoggerMessage(2004, LogLevel.Warning, "Stream of execution {ExecutionId} ended: the events it needed are no longer retained.")]
    public static partial void StreamLostEvents(ILogger logger, long executionId, Exception exception);

    [LoggerMessage(2005, LogLevel.Information, "The host is stopping: canceling {Count} running execution(s).")]
    public static partial void CancelingOnShutdown(ILogger logger, int count);

    [LoggerMessage(2006, LogLevel.Information, "The host is stopping: the stream of execution {ExecutionId}, which does not run on this host, ended after event {LastSequence} without executionFinished; its client re-attaches elsewhere.")]
    public static partial void StreamEndedOnShutdown(ILogger logger, long executionId, long lastSequence);
}
