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
        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
