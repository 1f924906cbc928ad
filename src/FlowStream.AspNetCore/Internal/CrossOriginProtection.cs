using Microsoft.AspNetCore.Http;

namespace FlowStream.AspNetCore.Internal;

/// <summary>
/// Rejects cross-origin browser POSTs, as Go 1.25's <c>http.CrossOriginProtection</c> does: a request whose <c>Sec-Fetch-Site</c> is
/// neither <c>same-origin</c> nor <c>none</c>, or (without that header) whose <c>Origin</c> differs from its host, is refused unless
/// its origin is trusted. Requests without either header come from non-browser clients and pass.
/// </summary>
internal sealed class CrossOriginProtection(IEnumerable<string> trustedOrigins)
{
    private readonly HashSet<string> _trusted = new(trustedOrigins.Select(Normalize), StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether the request may go on; otherwise <paramref name="reason"/> says why not.</summary>
    public bool Allows(HttpRequest request, out string reason)
    {
        reason = "";
        var origin = request.Headers.Origin.ToString();
        var secFetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (!string.IsNullOrEmpty(origin) && _trusted.Contains(Normalize(origin)))
        {
            return true;
        }

        if (!string.IsNullOrEmpty(secFetchSite))
        {
            if (string.Equals(secFetchSite, "same-origin", StringComparison.OrdinalIgnoreCase) || string.Equals(secFetchSite, "none", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            reason = $"A {Printable(secFetchSite)} browser request (Sec-Fetch-Site) from an untrusted origin is refused (ExecutionStreamOptions.TrustedOrigins).";
            return false;
        }

        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        if (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        reason = "A browser request whose Origin differs from the host is refused unless the origin is trusted (ExecutionStreamOptions.TrustedOrigins).";
        return false;
    }

    private static string Normalize(string origin) => origin.Trim().TrimEnd('/');

    private static string Printable(string value) => value.Length <= 20 && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') ? value : "cross-origin";
}
