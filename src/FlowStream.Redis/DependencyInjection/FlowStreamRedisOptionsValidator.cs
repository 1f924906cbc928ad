using Microsoft.Extensions.Options;

namespace FlowStream.Redis;

/// <summary>Checks <see cref="FlowStreamRedisOptions"/> when the host starts.</summary>
internal sealed class FlowStreamRedisOptionsValidator : IValidateOptions<FlowStreamRedisOptions>
{
    public ValidateOptionsResult Validate(string? name, FlowStreamRedisOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(options.KeyPrefix))
        {
            errors.Add("FlowStreamRedisOptions.KeyPrefix must not be empty.");
        }

        Positive(errors, options.LeaseTimeout, nameof(options.LeaseTimeout), TimeSpan.FromMilliseconds(300));
        Positive(errors, options.ControlTimeout, nameof(options.ControlTimeout), TimeSpan.FromMilliseconds(1));
        Positive(errors, options.PollInterval, nameof(options.PollInterval), TimeSpan.FromMilliseconds(10));
        if (options.MaxBufferedEventBytesPerExecution <= 0)
        {
            errors.Add("FlowStreamRedisOptions.MaxBufferedEventBytesPerExecution must be positive.");
        }

        if (options.MaxBufferedEventBytes < options.MaxBufferedEventBytesPerExecution)
        {
            errors.Add("FlowStreamRedisOptions.MaxBufferedEventBytes must be at least MaxBufferedEventBytesPerExecution.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(List<string> errors, TimeSpan value, string name, TimeSpan minimum)
    {
        if (value < minimum || value > TimeSpan.FromDays(1))
        {
            errors.Add($"FlowStreamRedisOptions.{name} must be between {minimum.TotalMilliseconds} ms and one day, not {value}.");
        }
    }
}
