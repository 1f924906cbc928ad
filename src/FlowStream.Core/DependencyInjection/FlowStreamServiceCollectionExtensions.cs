using FlowStream;
using FlowStream.DependencyInjection;
using FlowStream.Diagnostics;
using FlowStream.Engine;
using FlowStream.Events;
using FlowStream.Nodes;
using FlowStream.Nodes.BuiltIn;
using FlowStream.Nodes.BuiltIn.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers FlowStream with a service collection.</summary>
public static class FlowStreamServiceCollectionExtensions
{
    /// <summary>
    /// Registers the FlowStream engine (<see cref="IWorkflowEngine"/>), the in-memory event bus (<see cref="IExecutionEventWriter"/> and <see cref="IExecutionEventReader"/>)
    /// and the built-in node types (<see cref="BuiltInNodeTypes"/>), with the <c>IHttpClientFactory</c> client the <c>http</c> node uses
    /// (<see cref="HttpNodeOptions.HttpClientName"/>). Calling it again is harmless: it only adds the
    /// options configuration it is given.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="FlowStreamOptions"/>; optional.</param>
    /// <returns>A builder to register node types with.</returns>
    /// <remarks>
    /// The engine takes <see cref="TimeProvider"/> and <c>ILoggerFactory</c> from the container when they are registered
    /// (<see cref="TimeProvider.System"/> and no logging otherwise).
    /// </remarks>
    public static FlowStreamBuilder AddFlowStream(this IServiceCollection services, Action<FlowStreamOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = new FlowStreamBuilder(services);
        if (configure is not null)
        {
            services.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(FlowStreamMarker)))
        {
            return builder;
        }

        services.AddSingleton<FlowStreamMarker>();
        services.AddOptions<FlowStreamOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FlowStreamOptions>, FlowStreamOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<FlowStreamMetrics>(static sp => new FlowStreamMetrics(sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddSingleton<InMemoryExecutionEventStore>();
        services.TryAddSingleton<IExecutionEventWriter>(static sp => sp.GetRequiredService<InMemoryExecutionEventStore>());
        services.TryAddSingleton<IExecutionEventReader>(static sp => sp.GetRequiredService<InMemoryExecutionEventStore>());
        services.TryAddSingleton<IExecutionIdGenerator>(static sp => new ExecutionIdGenerator(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IExecutionDirectory, LocalExecutionDirectory>();
        services.TryAddSingleton<NodeTypeRegistry>();
        services.TryAddSingleton<WorkflowEngine>();
        services.TryAddSingleton<IWorkflowEngine>(static sp => sp.GetRequiredService<WorkflowEngine>());
        services.TryAddSingleton<ExecutionNesting>();
        services.AddOptions<HttpNodeOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpNodeOptions>, HttpNodeOptionsValidator>());
        services.AddHttpClient(HttpNodeOptions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(static sp => HttpDestinationGuard.CreateHandler(sp.GetRequiredService<IOptions<HttpNodeOptions>>().Value));

        builder
            .AddNode<ManualTriggerNode>(BuiltInNodeTypes.ManualTrigger)
            .AddNode<NoOpNode>(BuiltInNodeTypes.NoOp)
            .AddNode<SetNode>(BuiltInNodeTypes.Set)
            .AddNode<WaitNode>(BuiltInNodeTypes.Wait)
            .AddNode<StopAndErrorNode>(BuiltInNodeTypes.StopAndError)
            .AddNode<IfNode>(BuiltInNodeTypes.If, IfNode.Outputs)
            .AddNode<SwitchNode>(BuiltInNodeTypes.Switch, SwitchNode.GetOutputs)
            .AddNode<MergeNode>(BuiltInNodeTypes.Merge)
            .AddNode<HttpNode>(BuiltInNodeTypes.Http)
            .AddNode<ExecuteWorkflowNode>(BuiltInNodeTypes.ExecuteWorkflow);
        return builder;
    }

    /// <summary>Marks a service collection that <see cref="AddFlowStream"/> has already set up.</summary>
    private sealed class FlowStreamMarker;
}
