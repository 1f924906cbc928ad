using FlowStream.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlowStream.Tests.DependencyInjection;

public class FlowStreamServiceCollectionExtensionsTests
{
    [Fact]
    public void AddFlowStream_CalledTwice_IsHarmless()
    {
        var services = new ServiceCollection();
        services.AddFlowStream(o => o.MaxNodesPerWorkflow = 10);
        var countAfterFirst = services.Count;
        services.AddFlowStream(o => o.DefaultMaxDegreeOfParallelism = 3);

        services.Count.Should().Be(countAfterFirst + 1, "only the second configuration delegate is added");
        using var provider = services.BuildServiceProvider();
        provider.GetServices<IWorkflowEngine>().Should().ContainSingle();
        var options = provider.GetRequiredService<IOptions<FlowStreamOptions>>().Value;
        options.MaxNodesPerWorkflow.Should().Be(10);
        options.DefaultMaxDegreeOfParallelism.Should().Be(3);
    }

    [Fact]
    public async Task AddNode_OverridingABuiltInType_SurvivesASecondAddFlowStream()
    {
        await using var host = TestEngine.Create(
            b => b.AddNode("noOp", (ctx, ct) => ValueTask.FromResult(NodeResult.Success(ExecutionEventTestExtensions.Json("""{"custom": true}""")))),
            configureServices: s => s.AddFlowStream());
        var events = await host.Engine.RunWithEventsAsync(new WorkflowBuilder("x").AddNode("N", "noOp").Build(), default, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        events.Single(e => e.Type == ExecutionEventTypes.NodeExecutionAfter).Data.GetProperty("data").GetProperty("custom").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task AddNode_Generic_HandlerComesFromTheExecutionsScope()
    {
        await using var host = TestEngine.Create(b => b.AddNode<ScopeProbeHandler>("probe"), configureServices: s => s.AddScoped<ScopedThing>());
        var workflow = new WorkflowBuilder("scopes").AddNode("P1", "probe").AddNode("P2", "probe").Chain("P1", "P2").Build();

        var first = await host.Engine.RunWithEventsAsync(workflow, default, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        var second = await host.Engine.RunWithEventsAsync(workflow, default, TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        static string[] Ids(List<ExecutionEvent> events) => [.. events.Where(e => e.Type == ExecutionEventTypes.NodeExecutionAfter).Select(e => e.Data.GetProperty("data").GetProperty("thing").GetString()!)];
        Ids(first)[0].Should().Be(Ids(first)[1], "both nodes of one execution share its scope");
        Ids(second)[0].Should().NotBe(Ids(first)[0], "each execution has a scope of its own");
        ScopedThing.Disposed.Should().Contain(Ids(first)[0], "the execution's scope is disposed when it finishes");
    }

    [Fact]
    public void AddFlowStream_InvalidOptions_FailsWithAMessageNamingTheOption()
    {
        var services = new ServiceCollection();
        services.AddFlowStream(o =>
        {
            o.MaxNodesPerWorkflow = 0;
            o.SubscriberBufferCapacity = -1;
        });
        using var provider = services.BuildServiceProvider();
        var resolve = () => provider.GetRequiredService<IWorkflowEngine>();
        resolve.Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().Contain(f => f.Contains("MaxNodesPerWorkflow")).And.Contain(f => f.Contains("SubscriberBufferCapacity"));
    }

    [Fact]
    public void AddNode_EmptyType_Throws()
    {
        var builder = new ServiceCollection().AddFlowStream();
        var add = () => builder.AddNode<ScopeProbeHandler>(" ");
        add.Should().Throw<ArgumentException>();
    }

    private sealed class ScopedThing : IDisposable
    {
        public static readonly System.Collections.Concurrent.ConcurrentBag<string> Disposed = [];

        public string Id { get; } = Guid.NewGuid().ToString("N");

        public void Dispose() => Disposed.Add(Id);
    }

    private sealed class ScopeProbeHandler(ScopedThing thing) : INodeHandler
    {
        public ValueTask<NodeResult> ExecuteAsync(NodeExecutionContext context, CancellationToken cancellationToken)
            => ValueTask.FromResult(NodeResult.Success(ExecutionEventTestExtensions.Json($$"""{"thing": "{{thing.Id}}"}""")));
    }
}
