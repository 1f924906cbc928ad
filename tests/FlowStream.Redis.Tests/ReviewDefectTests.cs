using System.Text.Json;
using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.Redis.Internal;
using FlowStream.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace FlowStream.Redis.Tests;

/// <summary>Defects found in a hostile review of the backplane: each test states what the README promises; each failed before its fix.</summary>
public sealed class ReviewDefectTests
{
    private const string Alice = "alice";
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The summary (header) is a snapshot taken after the batch's events were dequeued, so its LastSequence routinely runs ahead of
    /// the stream. When that host is lost, the claimer starts from header.LastSequence, its Append leaves a gap and is refused
    /// (−1, ignored), and the claim already took the lease out of the set: the execution is never ended and every stream of it
    /// waits until the keys' one-hour lifetime runs out.
    /// </summary>
    [Fact]
    public async Task LostExecution_WhoseSummaryIsAheadOfItsStream_IsEndedAnyway()
    {
        await using var redis = await RedisServer.StartAsync();
        var prefix = Hosts.NewPrefix();
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, new Gates(), s_lease);
        var keys = b.Backplane().Keys;
        const long id = 4242;
        await using var direct = await redis.ConnectAsync();
        var db = direct.GetDatabase();

        // What a host killed right after a batch leaves behind: events 1..3 in the stream, a summary that already saw 1..5.
        await SeedLostExecutionAsync(db, keys, id, streamTop: 3, headerLastSequence: 5, finished: false);

        var ended = await WaitForExecutionFinishedAsync(db, keys, id, TimeSpan.FromSeconds(15));
        ended.Should().BeTrue("a lost execution is always ended by another host within the lease timeout (README: 'so no stream ever hangs')");
    }

    /// <summary>
    /// Same cause: the summary says finished (the snapshot saw executionFinished published) while executionFinished itself was in
    /// the next batch, which never reached Redis. The claimer reads FinishedAt from the summary and returns without ending it.
    /// </summary>
    [Fact]
    public async Task LostExecution_WhoseSummarySaysFinishedButWhoseStreamHasNoExecutionFinished_IsEndedAnyway()
    {
        await using var redis = await RedisServer.StartAsync();
        var prefix = Hosts.NewPrefix();
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, new Gates(), s_lease);
        var keys = b.Backplane().Keys;
        const long id = 4343;
        await using var direct = await redis.ConnectAsync();
        var db = direct.GetDatabase();

        await SeedLostExecutionAsync(db, keys, id, streamTop: 3, headerLastSequence: 4, finished: true);

        var ended = await WaitForExecutionFinishedAsync(db, keys, id, TimeSpan.FromSeconds(15));
        ended.Should().BeTrue("readers on every host wait for executionFinished; the summary ran ahead of the stream");
    }

    /// <summary>
    /// The flush loop catches only connection problems: any other RedisServerException (OOM at maxmemory, READONLY after a
    /// failover, BUSY) escapes FlushLoopAsync and stops it for good. Nothing is ever flushed again by this host, although Redis
    /// is back; executions go on buffering until they overflow.
    /// </summary>
    [Fact]
    public async Task FlushLoop_SurvivesARedisServerError_AndFlushesOnceRedisAcceptsWritesAgain()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var direct = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = direct.GetServer(direct.GetEndPoints()[0]);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFlowStream().AddRedis(o =>
        {
            o.Configuration = redis.Configuration;
            o.KeyPrefix = Hosts.NewPrefix();
        });
        var provider = services.BuildServiceProvider();
        try
        {
            await FlushAfterServerErrorAsync(provider, direct, server);
        }
        finally
        {
            // Disposing rethrows the exception that stopped the flush loop: keep the assertion's message instead.
            try
            {
                await provider.DisposeAsync();
            }
            catch (RedisServerException)
            {
            }
        }
    }

    private static async Task FlushAfterServerErrorAsync(ServiceProvider provider, IConnectionMultiplexer direct, IServer server)
    {
        var backplane = provider.GetRequiredService<RedisBackplane>();
        await backplane.StartAsync(TimeSpan.FromSeconds(10), CancellationToken.None).WithTimeout("the backplane to connect");
        var writer = provider.GetRequiredService<IExecutionEventWriter>();
        const long id = 77;

        writer.Append(id, 1, "executionStarted", """{"type":"executionStarted","data":{"executionId":77}}"""u8);
        await backplane.FlushAsync(id, Ct).WithTimeout("the first event to reach Redis");

        // Redis refuses writes for a moment (maxmemory reached, noeviction): a server error, not a connection problem.
        await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "1");
        writer.Append(id, 2, "executionPaused", """{"type":"executionPaused","data":{"executionId":77}}"""u8);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        await server.ExecuteAsync("CONFIG", "SET", "maxmemory", "0");

        writer.Append(id, 3, "executionResumed", """{"type":"executionResumed","data":{"executionId":77}}"""u8);
        var flushed = backplane.FlushAsync(id, Ct);
        (await Task.WhenAny(flushed, Task.Delay(TimeSpan.FromSeconds(10), Ct))).Should().BeSameAs(flushed, "the flush loop must still run once Redis accepts writes again");
        var stream = await direct.GetDatabase().StreamRangeAsync(backplane.Keys.Events(id), "-", "+");
        stream.Select(e => (string?)e.Id).Should().Equal("1-0", "2-0", "3-0");
    }

    /// <summary>
    /// An execution that finished while Redis was unreachable and is evicted locally (MaxFinishedExecutions, the byte budget or its
    /// time to live) before Redis returns: ForgetInRedisAsync waits ControlTimeout, then fences the pending entry, which drops its
    /// buffered events, executionFinished included; the key delete fails too. When Redis returns, the events never come: the lease
    /// lapses and another host ends the (successful) execution as lost, with an error. README: 'flush them in order when Redis
    /// returns ... nothing is dropped'.
    /// </summary>
    [Fact]
    public async Task ExecutionEvictedWhileRedisIsUnreachable_StillFlushesItsEnd_NotEndedAsLost()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var proxy = new LoopbackTcpProxy(redis.Port);
        var gates = new Gates();
        var prefix = Hosts.NewPrefix();
        var lease = TimeSpan.FromSeconds(5);
        var cutOff = $"127.0.0.1:{proxy.Port},abortConnect=false,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000";
        await using var a = await Hosts.StartAsync(cutOff, prefix, gates, lease, o => o.ControlTimeout = TimeSpan.FromMilliseconds(500),
            f => f.Services.Configure<FlowStreamOptions>(o => o.MaxFinishedExecutions = 0));
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, gates, lease);

        var execution = a.Engine.Start(Flows.Gated, new ExecutionRequest { OwnerId = Alice });
        var id = execution.Id;
        await a.WaitForNodeStartAsync(id, "Gate");
        await a.Backplane().FlushAsync(id, Ct).WithTimeout("the first events to reach Redis");

        proxy.Cut();
        gates.Release("Gate");
        (await execution.Completion.WithTimeout("the execution to finish while Redis is unreachable")).Should().Be(ExecutionStatus.Success);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct); // evicted at once (MaxFinishedExecutions = 0); Redis still unreachable
        proxy.Restore();

        await using var direct = await redis.ConnectAsync();
        var db = direct.GetDatabase();
        var keys = a.Backplane().Keys;
        (await WaitForExecutionFinishedAsync(db, keys, id, TimeSpan.FromSeconds(20))).Should().BeTrue("the execution's end reaches Redis (or its keys are gone)");
        var last = await db.StreamRangeAsync(keys.Events(id), "-", "+", 1, Order.Descending);
        if (last.Length > 0)
        {
            ((string)last[0]["d"]!).Should().Contain("\"status\":\"success\"", "the execution succeeded on a live host; it was not lost");
        }
    }

    /// <summary>
    /// RedisBackplane.FindAsync loads the whole node hash (every node's full output) before ExecutionEndpoints checks who asks.
    /// So any anonymous caller who names an id (ids are milliseconds, slot and counter: easy to guess) makes the host pull every
    /// output of someone else's execution out of Redis and parse it, to answer 404; and how long the 404 takes tells whether the
    /// id exists and how big its outputs are.
    /// </summary>
    [Fact]
    public async Task StrangersNotFound_OnAnotherHostsExecution_CostsNoNodeOutputsFromRedis()
    {
        await using var redis = await RedisServer.StartAsync();
        var prefix = Hosts.NewPrefix();
        var gates = new Gates();
        var output = JsonDocument.Parse("{\"blob\": \"" + new string('x', 4 * 1024 * 1024) + "\"}").RootElement;
        await using var a = await Hosts.StartAsync(redis.Configuration, prefix, gates, flowStream: f => f.AddNode("big", async (context, cancellationToken) =>
        {
            await Task.Yield();
            return NodeResult.Success(output);
        }));
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, gates);
        var flow = new WorkflowBuilder("big", "Big").AddNode("Start", "manualTrigger").AddNode("Big", "big").Chain("Start", "Big").Build();
        var execution = a.Engine.Start(flow, new ExecutionRequest { OwnerId = Alice });
        (await execution.Completion.WithTimeout("the execution")).Should().Be(ExecutionStatus.Success);
        await a.Backplane().FlushAsync(execution.Id, Ct).WithTimeout("its events to reach Redis");

        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var before = await NetOutputBytesAsync(server);
        for (var i = 0; i < 10; i++)
        {
            using var stranger = await b.CreateClient().SendAsync(Http.Get($"/executions/{execution.Id}"), Ct).WithTimeout("the stranger's 404");
            stranger.StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        }

        var sent = await NetOutputBytesAsync(server) - before;
        sent.Should().BeLessThan(1024 * 1024, "ten anonymous 404s must not make Redis send the execution's outputs ({0} bytes sent)", sent);
    }

    private static async Task<long> NetOutputBytesAsync(IServer server)
    {
        var info = await server.InfoAsync("stats");
        return long.Parse(info.SelectMany(g => g).Single(p => p.Key == "total_net_output_bytes").Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// RedisBackplane.OpenRemote uses ConcurrentDictionary.GetOrAdd with a factory that subscribes in the RemoteEventLog
    /// constructor. Readers opening the same remote execution at once run the factory more than once; the logs that lose the race
    /// are never closed, so their channel subscriptions stay for the life of the process (and Redis keeps pushing every append of
    /// that execution to this host).
    /// </summary>
    [Fact]
    public Task RemoteReadersOpeningAtOnce_LeaveNoSubscriptionBehind() => OpenAndCloseRemoteReadersAsync(readers: 8, stayFor: TimeSpan.FromMilliseconds(300));

    /// <summary>
    /// A reader that leaves right after it opened (a client that connects and drops): RemoteEventLog.RemoveReader → CloseRemote
    /// unsubscribes before the constructor's SubscribeAsync has completed, and the subscription (with its handler, which keeps the
    /// closed log and what it read alive) stays forever. Any caller with a token for its own execution can repeat this on a host
    /// that does not run it: one leaked handler per request.
    /// </summary>
    [Fact]
    public Task RemoteReaderThatLeavesAtOnce_LeavesNoSubscriptionBehind() => OpenAndCloseRemoteReadersAsync(readers: 1, stayFor: TimeSpan.Zero);

    private static async Task OpenAndCloseRemoteReadersAsync(int readers, TimeSpan stayFor)
    {
        var redis = await RedisServer.StartAsync();
        await using var _ = redis;
        var prefix = Hosts.NewPrefix();
        await using var writerHost = StoreHost(redis, prefix);
        await using var readerHost = StoreHost(redis, prefix);
        var writer = writerHost.GetRequiredService<IExecutionEventWriter>();
        var reader = readerHost.GetRequiredService<RedisBackplane>();
        await writerHost.GetRequiredService<RedisBackplane>().StartAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await reader.StartAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Configuration + ",allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints()[0]);

        var leaked = 0;
        for (var round = 0; round < 20; round++)
        {
            long id = 1000 + round;
            writer.Append(id, 1, "executionStarted", System.Text.Encoding.UTF8.GetBytes($"{{\"type\":\"executionStarted\",\"data\":{{\"executionId\":{id}}}}}"));
            await writerHost.GetRequiredService<RedisBackplane>().FlushAsync(id, Ct).WithTimeout("the event to reach Redis");
            using var start = new ManualResetEventSlim();
            var opens = Enumerable.Range(0, readers).Select(_ => Task.Run(() =>
            {
                start.Wait();
                reader.TryOpen(id, 0, out var subscription).Should().BeTrue();
                return subscription!;
            })).ToArray();
            start.Set();
            var opened = await Task.WhenAll(opens);
            if (stayFor > TimeSpan.Zero)
            {
                await Task.Delay(stayFor, Ct);
            }

            foreach (var subscription in opened)
            {
                await subscription.DisposeAsync();
            }

            // Unsubscribing is asynchronous: give it up to two seconds (polled), then count a leak.
            var channel = reader.Keys.EventsChannel(id);
            var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            long count;
            while ((count = (long)(await server.ExecuteAsync("PUBSUB", "NUMSUB", channel.ToString()))[1]) != 0 && DateTime.UtcNow < until)
            {
                await Task.Delay(20, Ct);
            }

            if (count != 0)
            {
                leaked++;
            }
        }

        leaked.Should().Be(0, "every reader left, so no host should stay subscribed to those executions");
    }

    private static ServiceProvider StoreHost(RedisServer redis, string prefix)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFlowStream().AddRedis(o =>
        {
            o.Configuration = redis.Configuration;
            o.KeyPrefix = prefix;
        });
        return services.BuildServiceProvider();
    }

    /// <summary>Control: the same lost execution with a summary that matches its stream is ended (so the two above fail for the reason given).</summary>
    [Fact]
    public async Task Control_LostExecution_WhoseSummaryMatchesItsStream_IsEnded()
    {
        await using var redis = await RedisServer.StartAsync();
        var prefix = Hosts.NewPrefix();
        await using var b = await Hosts.StartAsync(redis.Configuration, prefix, new Gates(), s_lease);
        var keys = b.Backplane().Keys;
        const long id = 4444;
        await using var direct = await redis.ConnectAsync();
        var db = direct.GetDatabase();
        await SeedLostExecutionAsync(db, keys, id, streamTop: 3, headerLastSequence: 3, finished: false);
        (await WaitForExecutionFinishedAsync(db, keys, id, TimeSpan.FromSeconds(15))).Should().BeTrue();
    }

    private static async Task SeedLostExecutionAsync(IDatabase db, RedisKeys keys, long id, long streamTop, long headerLastSequence, bool finished)
    {
        var now = DateTimeOffset.UtcNow;
        var events = new[]
        {
            $$$"""{"type":"executionStarted","data":{"executionId":{{{id}}}}}""",
            $$$"""{"type":"nodeExecutionBefore","data":{"executionId":{{{id}}},"nodeName":"Start","nodeType":"manualTrigger"}}""",
            """{"type":"nodeExecutionAfter","data":{"executionId":""" + id + ""","nodeName":"Start","status":"success","progress":{"completed":1,"total":3}}}""",
        };
        for (var i = 0; i < streamTop; i++)
        {
            await db.StreamAddAsync(keys.Events(id), "d", events[i], $"{i + 1}-0");
        }

        var header = new StoredHeader
        {
            ExecutionId = id,
            WorkflowId = "gated",
            WorkflowName = "Gated",
            OwnerId = Alice,
            Instance = "deadbeefdeadbeef",
            Status = finished ? ExecutionStatus.Success : ExecutionStatus.Running,
            StartedAt = now,
            FinishedAt = finished ? now : null,
            CompletedNodes = finished ? 3 : 1,
            LastSequence = headerLastSequence,
        };
        var graph = new StoredHeader { Nodes = ["Start", "Gate", "Done"], NodeTypes = ["manualTrigger", "gate", "noOp"] };
        await db.HashSetAsync(keys.Header(id), [
            new HashEntry("summary", JsonSerializer.SerializeToUtf8Bytes(header, StoredJsonContext.Default.StoredHeader)),
            new HashEntry("graph", JsonSerializer.SerializeToUtf8Bytes(graph, StoredJsonContext.Default.StoredHeader))]);
        await db.KeyExpireAsync(keys.Header(id), TimeSpan.FromHours(1));
        await db.HashSetAsync(keys.Nodes(id), "Start", JsonSerializer.SerializeToUtf8Bytes(new StoredNode { Status = NodeExecutionStatus.Success, Attempts = 1, StartedAt = now, FinishedAt = now }, StoredJsonContext.Default.StoredNode));
        await db.StringSetAsync(keys.Owner(id), "deadbeefdeadbeef", TimeSpan.FromHours(1));
        await db.SortedSetAddAsync(keys.Leases, id, 0); // lapsed long ago
    }

    private static async Task<bool> WaitForExecutionFinishedAsync(IDatabase db, RedisKeys keys, long id, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            var last = await db.StreamRangeAsync(keys.Events(id), "-", "+", 1, Order.Descending);
            if (last.Length == 0 && !await db.KeyExistsAsync(keys.Events(id)))
            {
                return true; // forgotten altogether: nothing to wait for
            }

            if (last.Length > 0 && ((string)last[0]["d"]!).Contains("\"executionFinished\"", StringComparison.Ordinal))
            {
                return true;
            }

            await Task.Delay(100, Ct);
        }

        return false;
    }
}
