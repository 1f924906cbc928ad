using System.Diagnostics.CodeAnalysis;

namespace FlowStream.Nodes.Gemini;

/// <summary>Checks model names before they go into a URL path: letters, digits, '.', '-' and '_', after an optional <c>models/</c>.</summary>
internal static class GeminiModelName
{
    private const string Prefix = "models/";

    public static bool TryNormalize(string? name, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        var value = name.Trim();
        if (value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            value = value[Prefix.Length..];
        }

        if (value.Length is 0 or > 200 || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_'))
            {
                return false;
            }
        }

        normalized = value;
        return true;
    }
}
