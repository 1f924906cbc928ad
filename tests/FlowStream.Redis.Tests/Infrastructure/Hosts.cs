using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.Redis.Internal;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Redis.Tests.Infrastructure;

/// <summary>Real Kestrel hosts on 127.0.0.1 sharing executions through one Redis (their own key prefix per test).</summary>
internal static class Hosts
{
    public static Task<TestServer> StartAsync(string configuration, string prefix, Gates gates, TimeSpan? leaseTimeout = null, Action<FlowStreamRedisOptions>? configure = null, Action<FlowStreamBuilder>? flowStream = null)
        => TestServer.StartAsync(
            b =>
            {
                Flows.Register(b, gates);
                flowStream?.Invoke(b);
                b.AddRedis(o =>
                {
                    o.Configuration = configuration;
                    o.KeyPrefix = prefix;
                    o.LeaseTimeout = leaseTimeout ?? TimeSpan.FromSeconds(15);
                    o.PollInterval = TimeSpan.FromMilliseconds(200);
                    configure?.Invoke(o);
                });
            },
            authentication: true);

    public static RedisBackplane Backplane(this TestServer server) => server.App.Services.GetRequiredService<RedisBackplane>();

    public static string NewPrefix() => $"t{Guid.NewGuid():N}:";

    /// <summary>Reads SSE messages until the one that matches (inclusive).</summary>
    public static async Task<List<SseReader.Message>> ReadUntilAsync(this SseReader sse, Func<SseReader.Message, bool> match, string what)
    {
        var read = new List<SseReader.Message>();
        while (true)
        {
            var message = await sse.ReadMessageAsync(TestContext.Current.CancellationToken).WithTimeout(what)
                ?? throw new InvalidOperationException($"The stream ended before {what}.");
            read.Add(message);
            if (match(message))
            {
                return read;
            }
        }
    }
}
