using Microsoft.Extensions.Options;

namespace FlowStream.Nodes.Gemini.DependencyInjection;

/// <summary>Validates <see cref="GeminiOptions"/>, naming each value that is out of range (never echoing the API key).</summary>
internal sealed class GeminiOptionsValidator : IValidateOptions<GeminiOptions>
{
    public ValidateOptionsResult Validate(string? name, GeminiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = GetFailures(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static List<string> GetFailures(GeminiOptions options)
    {
        List<string> failures = [];
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                failures.Add($"{GeminiOptions.SectionName}: {message}");
            }
        }

        var url = options.BaseUrl;
        Check(
            url is not null && url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
                && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.Fragment) && string.IsNullOrEmpty(url.UserInfo),
            $"{nameof(GeminiOptions.BaseUrl)} must be an absolute http or https URL without user info, query or fragment, such as {GeminiOptions.DefaultBaseUrl}.");
        Check(
            GeminiModelName.TryNormalize(options.DefaultModel, out _),
            $"{nameof(GeminiOptions.DefaultModel)} must be a model name of letters, digits, '.', '-' and '_', such as {GeminiOptions.DefaultModelId} (was '{options.DefaultModel}').");
        Check(
            options.Timeout > TimeSpan.Zero || options.Timeout == System.Threading.Timeout.InfiniteTimeSpan,
            $"{nameof(GeminiOptions.Timeout)} must be more than zero, or infinite (was {options.Timeout}).");
        Check(options.MaxAttempts is >= 1 and <= 20, $"{nameof(GeminiOptions.MaxAttempts)} must be from 1 to 20 (was {options.MaxAttempts}).");
        Check(options.BaseDelay >= TimeSpan.Zero, $"{nameof(GeminiOptions.BaseDelay)} must be at least zero (was {options.BaseDelay}).");
        Check(
            options.MaxDelay >= options.BaseDelay,
            $"{nameof(GeminiOptions.MaxDelay)} must be at least {nameof(GeminiOptions.BaseDelay)} (was {options.MaxDelay}, {nameof(GeminiOptions.BaseDelay)} {options.BaseDelay}).");
        Check(options.MaxTotalWait >= TimeSpan.Zero, $"{nameof(GeminiOptions.MaxTotalWait)} must be at least zero (was {options.MaxTotalWait}).");
        Check(options.MaxResponseBytes >= 1024, $"{nameof(GeminiOptions.MaxResponseBytes)} must be at least 1024 (was {options.MaxResponseBytes}).");
        Check(options.MaxStreamLineBytes >= 1024, $"{nameof(GeminiOptions.MaxStreamLineBytes)} must be at least 1024 (was {options.MaxStreamLineBytes}).");
        Check(
            options.ApiKey is null || !GeminiApiKey.HasForbiddenCharacters(options.ApiKey),
            $"{nameof(GeminiOptions.ApiKey)} contains characters that cannot be sent in an HTTP header (line breaks, control or non-ASCII characters).");
        return failures;
    }
}
