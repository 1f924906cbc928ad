using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace FlowStream.AspNetCore.Tests.Infrastructure;

/// <summary>
/// Carries execution tokens as a client does: remembers the <c>FlowStream-Token</c> of every anonymous start it sees and sends it on
/// later anonymous requests for that execution (requests with a test user header, or a token of their own, go as they are).
/// The access tests use clients without a jar.
/// </summary>
internal sealed partial class TokenJar : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);

    public TokenJar(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var anonymous = !request.Headers.Contains(TestServer.UserHeader);
        if (anonymous && !request.Headers.Contains("FlowStream-Token")
            && request.RequestUri is { } uri && ExecutionPath().Match(uri.ToString()) is { Success: true } match
            && _tokens.TryGetValue(match.Groups[1].Value, out var token))
        {
            request.Headers.Add("FlowStream-Token", token);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (anonymous && response.Headers.TryGetValues("FlowStream-Token", out var tokens) && response.Headers.TryGetValues("X-Execution-Id", out var ids))
        {
            _tokens[ids.First()] = tokens.First();
        }

        return response;
    }

    [GeneratedRegex("/executions/([0-9]+)(?:[/?]|$)")]
    private static partial Regex ExecutionPath();
}
