namespace FlowStream.Redis.Internal;

/// <summary>
/// The Lua scripts of the backplane. Each runs atomically on the server, so a batch of events, the execution's summary and its
/// lease change together, and ownership (the fence) is checked in the same step as the append.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Appends a batch of one execution's events, fenced by ownership and by the stream's ids, and updates its summary.
    /// KEYS: events, owner, header, nodes, leases.
    /// ARGV: 1 me, 2 execution id, 3 first sequence, 4 event count, 5 lease ms, 6 max length (0 none), 7 min id ('' none),
    /// 8 summary JSON ('' none), 9 finished TTL ms (0 while running), 10 notification channel, 11 running TTL ms, 12 node field count,
    /// 13 graph JSON ('' none: written once), then the events' JSON, then node name/JSON pairs.
    /// Returns the stream's last sequence, −1 when the execution's record is gone (or a sequence would leave a gap), −2 when
    /// another instance owns the execution.
    /// </summary>
    public const string Append = """
        local me = ARGV[1]
        local first = tonumber(ARGV[3])
        local n = tonumber(ARGV[4])
        local owner = redis.call('GET', KEYS[2])
        if not owner then
          if first ~= 1 then return -1 end
          if redis.call('EXISTS', KEYS[1]) == 1 then return -2 end
          redis.call('SET', KEYS[2], me)
        elseif owner ~= me then
          return -2
        end
        local top = 0
        local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
        if #last > 0 then top = tonumber(string.match(last[1][1], '^(%d+)')) end
        if first > top + 1 then return -1 end
        for i = 0, n - 1 do
          local seq = first + i
          if seq > top then
            redis.call('XADD', KEYS[1], seq .. '-0', 'd', ARGV[14 + i])
            top = seq
          end
        end
        if ARGV[6] ~= '0' then redis.call('XTRIM', KEYS[1], 'MAXLEN', ARGV[6]) end
        if ARGV[7] ~= '' then redis.call('XTRIM', KEYS[1], 'MINID', ARGV[7]) end
        if ARGV[8] ~= '' then redis.call('HSET', KEYS[3], 'summary', ARGV[8]) end
        if ARGV[13] ~= '' then redis.call('HSET', KEYS[3], 'graph', ARGV[13]) end
        local fields = tonumber(ARGV[12])
        local base = 14 + n
        for i = 0, fields - 1 do
          redis.call('HSET', KEYS[4], ARGV[base + 2 * i], ARGV[base + 2 * i + 1])
        end
        local finishedTtl = tonumber(ARGV[9])
        if finishedTtl > 0 then
          redis.call('ZREM', KEYS[5], ARGV[2])
          for k = 1, 4 do redis.call('PEXPIRE', KEYS[k], finishedTtl) end
        else
          local t = redis.call('TIME')
          local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          redis.call('ZADD', KEYS[5], now + tonumber(ARGV[5]), ARGV[2])
          for k = 1, 4 do redis.call('PEXPIRE', KEYS[k], ARGV[11]) end
        end
        redis.call('PUBLISH', ARGV[10], top)
        return top
        """;

    /// <summary>
    /// Renews the leases of the executions this instance runs, and the TTL of their keys.
    /// KEYS: leases, then owner, events, header, nodes of each execution. ARGV: me, lease ms, running TTL ms, then the ids.
    /// Returns the ids this instance no longer owns.
    /// </summary>
    public const string Renew = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local lost = {}
        for i = 1, #ARGV - 3 do
          local k = 2 + (i - 1) * 4
          if redis.call('GET', KEYS[k]) == ARGV[1] then
            redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[3 + i])
            for j = 0, 3 do redis.call('PEXPIRE', KEYS[k + j], ARGV[3]) end
          else
            table.insert(lost, ARGV[3 + i])
          end
        end
        return lost
        """;

    /// <summary>
    /// Claims executions whose lease lapsed: each is given to the caller, with a fresh lease of its own, in one atomic step, so
    /// exactly one instance ends it — and if that instance fails before the end is written, its lease lapses in turn and another
    /// claims it. KEYS: leases. ARGV: me, how many at most, owner key prefix, owner key suffix, lease ms.
    /// </summary>
    public const string Claim = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
        for _, id in ipairs(ids) do
          redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), id)
          local owner = ARGV[3] .. id .. ARGV[4]
          local ttl = redis.call('PTTL', owner)
          if ttl > 0 then
            redis.call('SET', owner, ARGV[1], 'PX', ttl)
          else
            redis.call('SET', owner, ARGV[1], 'PX', 3600000)
          end
        end
        return ids
        """;

    /// <summary>Renews this instance's id slot if it still holds it. KEYS: slot. ARGV: me, TTL ms. Returns 1 when renewed.</summary>
    public const string RenewSlot = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;
}
