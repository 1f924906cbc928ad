using System.Net;
using System.Net.Sockets;

namespace FlowStream.Nodes.BuiltIn.Http;

/// <summary>
/// The primary handler of the <c>http</c> node's client: a <see cref="SocketsHttpHandler"/> whose connect callback resolves the host and
/// connects only to addresses <see cref="HttpNodeOptions"/> allows, so the check holds for the address actually used (no DNS rebinding
/// between check and connect) and for every redirect hop.
/// </summary>
internal static class HttpDestinationGuard
{
    private static readonly IPNetwork[] s_nonPublic =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this" network, unspecified
        IPNetwork.Parse("10.0.0.0/8"),       // private
        IPNetwork.Parse("100.64.0.0/10"),    // shared address space (carrier-grade NAT)
        IPNetwork.Parse("127.0.0.0/8"),      // loopback
        IPNetwork.Parse("169.254.0.0/16"),   // link-local (cloud metadata endpoints live here)
        IPNetwork.Parse("172.16.0.0/12"),    // private
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments
        IPNetwork.Parse("192.168.0.0/16"),   // private
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, broadcast
        IPNetwork.Parse("::/128"),           // unspecified
        IPNetwork.Parse("::1/128"),          // loopback
        IPNetwork.Parse("fc00::/7"),         // unique local
        IPNetwork.Parse("fe80::/10"),        // link-local
        IPNetwork.Parse("fec0::/10"),        // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"),         // multicast
    ];

    public static SocketsHttpHandler CreateHandler(HttpNodeOptions options)
    {
        var allowPrivate = options.AllowPrivateNetworks;
        IPNetwork[] allowed = [.. options.AllowedNetworks];
        return new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = options.MaxRedirects > 0,
            MaxAutomaticRedirections = Math.Max(1, options.MaxRedirects),
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivate, allowed, cancellationToken),
        };
    }

    public static bool IsAllowed(IPAddress address, bool allowPrivate, IReadOnlyList<IPNetwork> allowed)
    {
        if (allowPrivate)
        {
            return true;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var network in allowed)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        foreach (var network in s_nonPublic)
        {
            if (network.Contains(address))
            {
                return false;
            }
        }

        return true;
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivate, IPNetwork[] allowed, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken).ConfigureAwait(false);
        var permitted = Array.FindAll(addresses, a => IsAllowed(a, allowPrivate, allowed));
        if (permitted.Length == 0)
        {
            throw new HttpDestinationRefusedException(
                $"Refused to connect to '{endPoint.Host}': it resolves to a loopback, private, link-local or multicast address "
                + $"({string.Join(", ", addresses.Select(a => a.ToString()))}), and HttpNodeOptions.AllowPrivateNetworks is off.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, endPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
