using Microsoft.Extensions.Options;

namespace FlowStream.Nodes.BuiltIn.Http;

/// <summary>Validates <see cref="HttpNodeOptions"/>, naming each value that is out of range.</summary>
internal sealed class HttpNodeOptionsValidator : IValidateOptions<HttpNodeOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpNodeOptions options)
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

        Check(options.Timeout > TimeSpan.Zero, $"{nameof(HttpNodeOptions.Timeout)} must be more than zero (was {options.Timeout}).");
        Check(options.MaxTimeout >= options.Timeout, $"{nameof(HttpNodeOptions.MaxTimeout)} must be at least {nameof(HttpNodeOptions.Timeout)} (was {options.MaxTimeout}).");
        Check(options.MaxResponseBytes >= 1, $"{nameof(HttpNodeOptions.MaxResponseBytes)} must be at least 1 (was {options.MaxResponseBytes}).");
        Check(options.MaxRedirects is >= 0 and <= 50, $"{nameof(HttpNodeOptions.MaxRedirects)} must be from 0 to 50 (was {options.MaxRedirects}).");
        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
