using StackExchange.Redis;

namespace FlowStream.Redis.Internal;

/// <summary>
/// The backplane's keys and channels. One execution's keys share the hash tag <c>{id}</c>:
/// <c>{prefix}x:{id}:events</c> (Redis Stream, entry id <c>{sequence}-0</c>, field <c>d</c> the event's JSON),
/// <c>:owner</c> (the instance that may append), <c>:header</c> (summary JSON), <c>:nodes</c> (hash: node name → state JSON).
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    public string Prefix => prefix;

    public RedisKey Leases { get; } = prefix + "leases";

    public RedisKey DataProtection { get; } = prefix + "data-protection-keys";

    public string OwnerPrefix => prefix + "x:{";

    public const string OwnerSuffix = "}:owner";

    public RedisKey Events(long id) => $"{prefix}x:{{{id}}}:events";

    public RedisKey Owner(long id) => $"{prefix}x:{{{id}}}:owner";

    public RedisKey Header(long id) => $"{prefix}x:{{{id}}}:header";

    public RedisKey Nodes(long id) => $"{prefix}x:{{{id}}}:nodes";

    public RedisKey Slot(int slot) => $"{prefix}slot:{slot}";

    public RedisChannel EventsChannel(long id) => RedisChannel.Literal($"{prefix}x:{id}:appended");

    public RedisChannel ControlChannel(string instance) => RedisChannel.Literal($"{prefix}control:{instance}");

    public RedisChannel ReplyChannel(string instance) => RedisChannel.Literal($"{prefix}reply:{instance}");
}
