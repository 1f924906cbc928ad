using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Peers;

/// <summary>
/// FlowStream through its public API only: <c>AddFlowStream()</c> with default options, chains of the built-in <c>noOp</c> node
/// built with <see cref="WorkflowBuilder"/>, <c>IWorkflowEngine.Start(chain).Completion</c> awaited.
/// </summary>
internal sealed class FlowStreamPeer : IPeer
{
    private readonly ServiceProvider _services;
    private readonly IWorkflowEngine _engine;
    private readonly Dictionary<int, WorkflowDefinition> _chains = [];

    public FlowStreamPeer(IEnumerable<int> sizes)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddFlowStream();
        _services = services.BuildServiceProvider();
        _engine = _services.GetRequiredService<IWorkflowEngine>();
        foreach (var size in sizes)
        {
            var builder = new WorkflowBuilder($"chain-{size}");
            for (var i = 0; i < size; i++)
            {
                builder.AddNode($"n{i}", BuiltInNodeTypes.NoOp);
                if (i > 0)
                {
                    builder.Connect($"n{i - 1}", $"n{i}");
                }
            }

            _chains[size] = builder.Build();
        }
    }

    public string Name => "FlowStream";

    public async Task RunChainAsync(int nodes)
    {
        var execution = _engine.Start(_chains[nodes]);
        var status = await execution.Completion.ConfigureAwait(false);
        if (status != ExecutionStatus.Success)
        {
            throw new InvalidOperationException($"FlowStream: a {nodes}-node chain ended {status}: {execution.ErrorMessage}");
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
