namespace FlowStream.Client;

/// <summary>A read-only token to share one execution (<c>POST {base}/{id}/tokens</c>): it can stream and read, never control.</summary>
public sealed class ExecutionShareToken
{
    /// <summary>Gets the token: send it as the <c>FlowStream-Token</c> header, or as <c>access_token</c> in a URL for a browser <c>EventSource</c>.</summary>
    public string Token { get => field ?? string.Empty; init; }

    /// <summary>Gets when the token stops being accepted.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Gets the id of the execution it opens.</summary>
    public long ExecutionId { get; init; }

    /// <summary>Gets what it grants: <c>read</c>.</summary>
    public string Access { get => field ?? string.Empty; init; }
}
