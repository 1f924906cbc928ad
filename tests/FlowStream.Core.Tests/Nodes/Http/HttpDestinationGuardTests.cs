using System.Net;
using FlowStream.Nodes.BuiltIn.Http;

namespace FlowStream.Tests.Nodes.Http;

/// <summary>Which resolved addresses the <c>http</c> node may connect to (the engine-level behaviour is in <c>HttpNodeTests</c>).</summary>
public class HttpDestinationGuardTests
{
    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("100.63.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    public void PublicAddresses_AreAllowed(string address)
        => HttpDestinationGuard.IsAllowed(IPAddress.Parse(address), allowPrivate: false, []).Should().BeTrue();

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.251")]
    [InlineData("239.255.255.250")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:192.168.0.1")]
    public void NonPublicAddresses_AreRefused_UnlessAllowed(string address)
    {
        var ip = IPAddress.Parse(address);

        HttpDestinationGuard.IsAllowed(ip, allowPrivate: false, []).Should().BeFalse();
        HttpDestinationGuard.IsAllowed(ip, allowPrivate: true, []).Should().BeTrue();
    }

    [Fact]
    public void AllowedNetworks_LetThroughOnlyTheirAddresses()
    {
        IPNetwork[] allowed = [IPNetwork.Parse("127.0.0.1/32"), IPNetwork.Parse("10.1.0.0/16")];

        HttpDestinationGuard.IsAllowed(IPAddress.Parse("127.0.0.1"), false, allowed).Should().BeTrue();
        HttpDestinationGuard.IsAllowed(IPAddress.Parse("::ffff:127.0.0.1"), false, allowed).Should().BeTrue();
        HttpDestinationGuard.IsAllowed(IPAddress.Parse("10.1.200.3"), false, allowed).Should().BeTrue();
        HttpDestinationGuard.IsAllowed(IPAddress.Parse("127.0.0.2"), false, allowed).Should().BeFalse();
        HttpDestinationGuard.IsAllowed(IPAddress.Parse("10.2.0.1"), false, allowed).Should().BeFalse();
        HttpDestinationGuard.IsAllowed(IPAddress.Parse("::1"), false, allowed).Should().BeFalse();
    }
}
