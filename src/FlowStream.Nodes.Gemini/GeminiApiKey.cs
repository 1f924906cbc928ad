namespace FlowStream.Nodes.Gemini;

/// <summary>Finds the API key (options, then <c>GEMINI_API_KEY</c>) and keeps it out of text.</summary>
internal static class GeminiApiKey
{
    /// <summary>The exact message of the failure when no key is configured.</summary>
    public const string NotConfiguredMessage = "API key not configured";

    /// <summary>Resolves the key now: so a key set in the environment after start-up still counts.</summary>
    /// <exception cref="InvalidOperationException">No key is configured, or it cannot be sent in a header.</exception>
    public static string Resolve(GeminiOptions options)
    {
        var key = options.ApiKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            key = Environment.GetEnvironmentVariable(GeminiOptions.ApiKeyEnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(key))
        {
            throw new InvalidOperationException(NotConfiguredMessage);
        }

        key = key.Trim();
        if (HasForbiddenCharacters(key))
        {
            throw new InvalidOperationException("The Gemini API key contains characters that cannot be sent in an HTTP header (line breaks, control or non-ASCII characters).");
        }

        return key;
    }

    public static bool HasForbiddenCharacters(string key)
    {
        foreach (var c in key.AsSpan().Trim())
        {
            if (char.IsControl(c) || c > '\u007e')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Replaces every occurrence of the key in <paramref name="text"/>; defence in depth for text that came from elsewhere.</summary>
    public static string Redact(string text, string? key)
        => string.IsNullOrEmpty(key) || key.Length < 4 || !text.Contains(key, StringComparison.Ordinal)
            ? text
            : text.Replace(key, "[redacted]", StringComparison.Ordinal);
}
