using System.Net;

namespace FlowStream;

/// <summary>
/// Options of the built-in <c>http</c> node. Configure them with <c>AddFlowStream().ConfigureHttpNode(options => ...)</c> (or
/// <c>services.Configure&lt;HttpNodeOptions&gt;</c>); they are validated at start-up.
/// </summary>
/// <remarks>
/// The node sends its requests through <c>IHttpClientFactory</c>'s client named <see cref="HttpClientName"/>, whose primary handler
/// enforces <see cref="AllowPrivateNetworks"/> and <see cref="AllowedNetworks"/> on the address each connection is made to (after DNS,
/// so a public name that resolves to a private address is refused, and so is a redirect to one). Hosts may add handlers to that client
/// (<c>services.AddHttpClient(HttpNodeOptions.HttpClientName).AddStandardResilienceHandler()</c>, authentication); replacing its primary
/// handler removes the address check. The handler ignores system proxy settings, since a proxy would make the checked address the proxy's.
/// </remarks>
public sealed class HttpNodeOptions
{
    /// <summary>The name of the <c>IHttpClientFactory</c> client the <c>http</c> node uses: <c>"FlowStream.Http"</c>.</summary>
    public const string HttpClientName = "FlowStream.Http";

    /// <summary>
    /// Gets or sets a value indicating whether the node may connect to loopback, private (RFC 1918, unique local), link-local, multicast,
    /// unspecified, broadcast and shared (100.64.0.0/10) addresses. Default <see langword="false"/>: only public addresses, so a workflow cannot
    /// reach the host's own network (server-side request forgery).
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Gets the networks the node may connect to even though they are not public, when <see cref="AllowPrivateNetworks"/> is off — for
    /// example <c>127.0.0.1/32</c> and <c>::1/128</c> to let workflows call the host itself and nothing else. Default empty.
    /// </summary>
    public IList<IPNetwork> AllowedNetworks { get; } = [];

    /// <summary>Gets or sets how long a request may take (connect, send, and read the whole response) when the node's <c>timeoutMs</c> does not say. Default 30 seconds; more than zero.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the largest <c>timeoutMs</c> a node may ask for. Default 5 minutes; at least <see cref="Timeout"/>.</summary>
    public TimeSpan MaxTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the largest response body the node reads, in bytes; a larger one fails the node, naming this limit. Default 4 MiB;
    /// at least 1 (node outputs are limited to 16 MiB anyway).
    /// </summary>
    public long MaxResponseBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Gets or sets how many redirects the node follows; 0 returns a redirect response as it is. Default 5; 0 to 50.</summary>
    public int MaxRedirects { get; set; } = 5;
}
