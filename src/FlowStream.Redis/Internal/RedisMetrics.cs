using System.Diagnostics.Metrics;

namespace FlowStream.Redis.Internal;

/// <summary>The backplane's instruments, on the same <c>FlowStream</c> meter as the engine's (the container's <see cref="IMeterFactory"/> hands out one meter per name).</summary>
internal sealed class RedisMetrics
{
    private readonly Counter<long> _roundTrips;
    private readonly Histogram<double> _lag;
    private readonly UpDownCounter<long> _buffered;
    private readonly Counter<long> _lost;

    public RedisMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create("FlowStream") ?? new Meter("FlowStream");
        _roundTrips = meter.CreateCounter<long>("flowstream.redis.round_trips", "{round_trip}", "Round trips to Redis: pipelined batches of appends, reads, renewals, claims.");
        _lag = meter.CreateHistogram<double>("flowstream.redis.append.lag", "s", "Time from an event's publication to Redis acknowledging it.");
        _buffered = meter.CreateUpDownCounter<long>("flowstream.redis.buffered_events", "{event}", "Events published but not yet in Redis (buffered while Redis is slow or unreachable).");
        _lost = meter.CreateCounter<long>("flowstream.redis.executions.lost", "{execution}", "Executions of lost instances that this host ended.");
    }

    public void RoundTrip() => _roundTrips.Add(1);

    public void Acknowledged(TimeSpan lag) => _lag.Record(lag.TotalSeconds);

    public void Buffered(long delta) => _buffered.Add(delta);

    public void EndedLostExecution() => _lost.Add(1);
}
