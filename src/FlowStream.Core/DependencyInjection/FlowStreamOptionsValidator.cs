using Microsoft.Extensions.Options;

namespace FlowStream.DependencyInjection;

/// <summary>Validates <see cref="FlowStreamOptions"/>, naming each value that is out of range.</summary>
internal sealed class FlowStreamOptionsValidator : IValidateOptions<FlowStreamOptions>
{
    public ValidateOptionsResult Validate(string? name, FlowStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string>? failures = null;
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                (failures ??= []).Add(message);
            }
        }

        Check(options.MaxNodesPerWorkflow >= 1, $"{nameof(FlowStreamOptions.MaxNodesPerWorkflow)} must be at least 1 (was {options.MaxNodesPerWorkflow}).");
        Check(options.MaxParametersBytesPerNode >= 1, $"{nameof(FlowStreamOptions.MaxParametersBytesPerNode)} must be at least 1 (was {options.MaxParametersBytesPerNode}).");
        Check(options.MaxRetryTries >= 1, $"{nameof(FlowStreamOptions.MaxRetryTries)} must be at least 1 (was {options.MaxRetryTries}).");
        Check(options.MaxWait > TimeSpan.Zero, $"{nameof(FlowStreamOptions.MaxWait)} must be more than zero (was {options.MaxWait}).");
        Check(options.MaxNodeTimeout > TimeSpan.Zero, $"{nameof(FlowStreamOptions.MaxNodeTimeout)} must be more than zero (was {options.MaxNodeTimeout}).");
        Check(options.DefaultMaxDegreeOfParallelism >= 1, $"{nameof(FlowStreamOptions.DefaultMaxDegreeOfParallelism)} must be at least 1 (was {options.DefaultMaxDegreeOfParallelism}).");
        Check(options.MaxRetainedEventsPerExecution >= 1, $"{nameof(FlowStreamOptions.MaxRetainedEventsPerExecution)} must be at least 1 (was {options.MaxRetainedEventsPerExecution}).");
        Check(options.MaxRetainedEventBytesPerExecution >= 1, $"{nameof(FlowStreamOptions.MaxRetainedEventBytesPerExecution)} must be at least 1 (was {options.MaxRetainedEventBytesPerExecution}).");
        Check(options.SubscriberBufferCapacity >= 1, $"{nameof(FlowStreamOptions.SubscriberBufferCapacity)} must be at least 1 (was {options.SubscriberBufferCapacity}).");
        Check(options.FinishedExecutionTimeToLive > TimeSpan.Zero, $"{nameof(FlowStreamOptions.FinishedExecutionTimeToLive)} must be more than zero (was {options.FinishedExecutionTimeToLive}).");
        Check(options.MaxFinishedExecutions >= 0, $"{nameof(FlowStreamOptions.MaxFinishedExecutions)} must be at least 0 (was {options.MaxFinishedExecutions}).");
        Check(options.MaxNodeOutputBytes >= 1, $"{nameof(FlowStreamOptions.MaxNodeOutputBytes)} must be at least 1 (was {options.MaxNodeOutputBytes}).");
        Check(options.MaxExecutionBytes >= 1, $"{nameof(FlowStreamOptions.MaxExecutionBytes)} must be at least 1 (was {options.MaxExecutionBytes}).");
        Check(options.MaxRetainedBytes >= 1, $"{nameof(FlowStreamOptions.MaxRetainedBytes)} must be at least 1 (was {options.MaxRetainedBytes}).");
        Check(options.MaxEventDataBytes >= 1, $"{nameof(FlowStreamOptions.MaxEventDataBytes)} must be at least 1 (was {options.MaxEventDataBytes}).");
        Check(options.MaxExecutionDuration > TimeSpan.Zero || options.MaxExecutionDuration == Timeout.InfiniteTimeSpan, $"{nameof(FlowStreamOptions.MaxExecutionDuration)} must be more than zero or infinite (was {options.MaxExecutionDuration}).");
        Check(options.MaxRunningExecutions >= 1, $"{nameof(FlowStreamOptions.MaxRunningExecutions)} must be at least 1 (was {options.MaxRunningExecutions}).");
        Check(options.MaxRunningExecutionsPerOwner >= 1, $"{nameof(FlowStreamOptions.MaxRunningExecutionsPerOwner)} must be at least 1 (was {options.MaxRunningExecutionsPerOwner}).");
        Check(options.RegexMatchTimeout > TimeSpan.Zero && options.RegexMatchTimeout <= TimeSpan.FromSeconds(10), $"{nameof(FlowStreamOptions.RegexMatchTimeout)} must be more than zero and at most 10 seconds (was {options.RegexMatchTimeout}).");
        Check(options.MaxWorkflowNestingDepth >= 1, $"{nameof(FlowStreamOptions.MaxWorkflowNestingDepth)} must be at least 1 (was {options.MaxWorkflowNestingDepth}).");
        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
