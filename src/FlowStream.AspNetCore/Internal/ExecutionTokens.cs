using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;

namespace FlowStream.AspNetCore.Internal;

/// <summary>What a valid execution token grants.</summary>
internal enum ExecutionAccess
{
    /// <summary>Nothing: the execution is answered with 404.</summary>
    None,

    /// <summary>Stream, status and outputs (a share token).</summary>
    Read,

    /// <summary>Everything, control and minting share tokens included (the owner, or the starter's token).</summary>
    Control,
}

/// <summary>
/// Run-scoped tokens: stateless Data Protection payloads (purpose <c>FlowStream.ExecutionToken</c>) naming one execution, what they
/// grant, and when they expire. Any instance sharing the key ring can check them. Never logged, never put in an event.
/// </summary>
/// <remarks>
/// The expiry travels inside the protected payload and is checked against the host's <see cref="TimeProvider"/> (the engine's clock,
/// which tests drive), not the wall clock of <c>ITimeLimitedDataProtector</c>; the payload is authenticated, so it cannot be altered.
/// </remarks>
internal sealed class ExecutionTokens(IDataProtectionProvider provider, TimeProvider timeProvider)
{
    public const string Purpose = "FlowStream.ExecutionToken";

    private const byte Version = 1;
    private const int PayloadLength = 1 + 8 + 1 + 8;

    private readonly IDataProtector _protector = provider.CreateProtector(Purpose);

    public DateTimeOffset UtcNow => timeProvider.GetUtcNow();

    /// <summary>Mints a token for one execution, valid for <paramref name="lifetime"/> from now.</summary>
    public (string Token, DateTimeOffset ExpiresAt) Create(long executionId, ExecutionAccess access, TimeSpan lifetime)
    {
        var expiresAt = timeProvider.GetUtcNow() + lifetime;
        var payload = new byte[PayloadLength];
        payload[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(1), executionId);
        payload[9] = (byte)access;
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(10), expiresAt.ToUnixTimeMilliseconds());
        return (WebEncoders.Base64UrlEncode(_protector.Protect(payload)), expiresAt);
    }

    /// <summary>What <paramref name="token"/> grants on <paramref name="executionId"/>: <see cref="ExecutionAccess.None"/> when it is malformed, forged, expired or for another execution.</summary>
    public ExecutionAccess Check(string? token, long executionId)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1024)
        {
            return ExecutionAccess.None;
        }

        byte[] payload;
        try
        {
            payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return ExecutionAccess.None;
        }

        if (payload.Length != PayloadLength || payload[0] != Version || BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(1)) != executionId)
        {
            return ExecutionAccess.None;
        }

        var expiresAt = BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(10));
        if (timeProvider.GetUtcNow().ToUnixTimeMilliseconds() >= expiresAt)
        {
            return ExecutionAccess.None;
        }

        return payload[9] switch
        {
            (byte)ExecutionAccess.Control => ExecutionAccess.Control,
            (byte)ExecutionAccess.Read => ExecutionAccess.Read,
            _ => ExecutionAccess.None,
        };
    }
}
