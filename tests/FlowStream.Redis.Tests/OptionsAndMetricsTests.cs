using System.Diagnostics.Metrics;
using FlowStream.AspNetCore.Tests.Infrastructure;
using FlowStream.Redis.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowStream.Redis.Tests;

public sealed class OptionsAndMetricsTests(SharedRedis redis)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("KeyPrefix", "KeyPrefix")]
    [InlineData("LeaseTimeout", "LeaseTimeout")]
    [InlineData("ControlTimeout", "ControlTimeout")]
    [InlineData("PollInterval", "PollInterval")]
    [InlineData("MaxBufferedEventBytesPerExecution", "MaxBufferedEventBytesPerExecution")]
    [InlineData("MaxBufferedEventBytes", "MaxBufferedEventBytes")]
    public void InvalidOptions_AreRejectedWithTheOptionsName(string option, string named)
    {
        var services = new ServiceCollection();
        services.AddFlowStream().AddRedis(o =>
        {
            o.Configuration = "127.0.0.1:1";
            switch (option)
            {
                case "KeyPrefix": o.KeyPrefix = ""; break;
                case "LeaseTimeout": o.LeaseTimeout = TimeSpan.FromMilliseconds(299); break;
                case "ControlTimeout": o.ControlTimeout = TimeSpan.Zero; break;
                case "PollInterval": o.PollInterval = TimeSpan.FromDays(2); break;
                case "MaxBufferedEventBytesPerExecution": o.MaxBufferedEventBytesPerExecution = 0; break;
                default: o.MaxBufferedEventBytes = o.MaxBufferedEventBytesPerExecution - 1; break;
            }
        });
        using var provider = services.BuildServiceProvider();

        var read = () => provider.GetRequiredService<IOptions<FlowStreamRedisOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(named);
    }

    [Fact]
    public void DefaultOptions_AreValid()
    {
        var options = new FlowStreamRedisOptions();
        options.LeaseTimeout.Should().Be(TimeSpan.FromSeconds(15));
        new ServiceCollection().AddFlowStream().AddRedis(o => o.Configuration = "127.0.0.1:1").Services.BuildServiceProvider()
            .GetRequiredService<IOptions<FlowStreamRedisOptions>>().Value.KeyPrefix.Should().Be("flowstream:");
    }

    [Fact]
    public async Task ARun_IsCountedOnTheFlowStreamMeter_RoundTripsLagAndBufferedEventsBackToZero()
    {
        var server = await redis.GetAsync().WithTimeout("redis-server to start");
        var gates = new Gates();
        await using var host = await Hosts.StartAsync(server.Configuration, Hosts.NewPrefix(), gates);
        var meter = host.App.Services.GetRequiredService<IMeterFactory>().Create("FlowStream");
        long roundTrips = 0, buffered = 0, bufferedChanges = 0, lagged = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter) && instrument.Name.StartsWith("flowstream.redis.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == "flowstream.redis.round_trips")
            {
                Interlocked.Add(ref roundTrips, value);
            }
            else if (instrument.Name == "flowstream.redis.buffered_events")
            {
                Interlocked.Add(ref buffered, value);
                Interlocked.Increment(ref bufferedChanges);
            }
        });
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == "flowstream.redis.append.lag" && value >= 0)
            {
                Interlocked.Increment(ref lagged);
            }
        });
        listener.Start();

        var id = await host.StartAsync("""{"flowId": "chain50"}""", "alice");
        await host.WaitForCompletionAsync(id);
        await host.Backplane().FlushAsync(id, Ct).WithTimeout("the run to reach Redis");

        Interlocked.Read(ref roundTrips).Should().BeGreaterThan(0);
        Interlocked.Read(ref roundTrips).Should().BeLessThanOrEqualTo(51, "102 events go out in batches (two or more per round trip on average), not one round trip each");
        Interlocked.Read(ref lagged).Should().BeGreaterThan(0);
        Interlocked.Read(ref bufferedChanges).Should().BeGreaterThan(1, "events were counted in and out of the buffer");
        Interlocked.Read(ref buffered).Should().Be(0, "every buffered event was acknowledged");
    }

    [Fact]
    public async Task WithoutConfiguration_TheMultiplexerInTheContainerIsUsed()
    {
        var server = await redis.GetAsync().WithTimeout("redis-server to start");
        await using var multiplexer = await server.ConnectAsync();
        var prefix = Hosts.NewPrefix();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(multiplexer);
        services.AddFlowStream().AddRedis(o => o.KeyPrefix = prefix);
        await using var provider = services.BuildServiceProvider();
        var backplane = provider.GetRequiredService<FlowStream.Redis.Internal.RedisBackplane>();
        await backplane.StartAsync(TimeSpan.FromSeconds(10), Ct).WithTimeout("the backplane to start");
        var engine = provider.GetRequiredService<IWorkflowEngine>();

        var execution = engine.Start(new WorkflowBuilder("one", "One").AddNode("A", "noOp").Build());
        await execution.Completion.WithTimeout("the execution");
        await backplane.FlushAsync(execution.Id, Ct).WithTimeout("the flush");

        (await multiplexer.GetDatabase().StreamLengthAsync(backplane.Keys.Events(execution.Id))).Should().Be(4);
        backplane.Connection.Current.Should().BeSameAs(multiplexer);
    }
}
