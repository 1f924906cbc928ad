using System.Diagnostics.CodeAnalysis;
using FlowStream.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlowStream;

/// <summary>Registers node types and other FlowStream parts. Returned by <c>services.AddFlowStream()</c>.</summary>
public sealed class FlowStreamBuilder
{
    internal FlowStreamBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the service collection, for extensions of other packages (for example <c>AddGemini</c>).</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers a node type. The handler is resolved from the execution's DI scope (registered as scoped unless
    /// <typeparamref name="THandler"/> is already registered). Registering a type again replaces the earlier handler.
    /// </summary>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <param name="type">The node type, as workflows write it in a node's <c>type</c>.</param>
    /// <returns>This builder.</returns>
    public FlowStreamBuilder AddNode<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(string type)
        where THandler : class, INodeHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        Services.TryAddScoped<THandler>();
        Services.AddSingleton(new NodeTypeRegistration(type, static sp => sp.GetRequiredService<THandler>()));
        return this;
    }

    /// <summary>Registers a small inline node type. Registering a type again replaces the earlier handler.</summary>
    /// <param name="type">The node type, as workflows write it in a node's <c>type</c>.</param>
    /// <param name="execute">Runs one attempt of a node.</param>
    /// <returns>This builder.</returns>
    public FlowStreamBuilder AddNode(string type, Func<NodeExecutionContext, CancellationToken, ValueTask<NodeResult>> execute)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(execute);
        var handler = new DelegateNodeHandler(execute);
        Services.AddSingleton(new NodeTypeRegistration(type, _ => handler));
        return this;
    }

    /// <summary>Uses an <see cref="InMemoryWorkflowStore"/> holding <paramref name="workflows"/> as the <see cref="IWorkflowStore"/>.</summary>
    /// <param name="workflows">The workflows.</param>
    /// <returns>This builder.</returns>
    public FlowStreamBuilder AddInMemoryWorkflowStore(params IEnumerable<WorkflowDefinition> workflows)
    {
        ArgumentNullException.ThrowIfNull(workflows);
        var store = new InMemoryWorkflowStore(workflows);
        Services.Replace(ServiceDescriptor.Singleton<IWorkflowStore>(store));
        Services.Replace(ServiceDescriptor.Singleton(store));
        return this;
    }

    /// <summary>
    /// Uses a <see cref="DirectoryWorkflowStore"/> over the <c>*.json</c> files of <paramref name="directory"/> as the
    /// <see cref="IWorkflowStore"/>. Files are validated when first used; bad ones are logged and left out.
    /// </summary>
    /// <param name="directory">The folder; a relative path is resolved against the current directory.</param>
    /// <returns>This builder.</returns>
    public FlowStreamBuilder AddDirectoryWorkflowStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Services.Replace(ServiceDescriptor.Singleton(sp => new DirectoryWorkflowStore(
            directory, sp.GetRequiredService<IWorkflowEngine>(), sp.GetService<Microsoft.Extensions.Logging.ILogger<DirectoryWorkflowStore>>())));
        Services.Replace(ServiceDescriptor.Singleton<IWorkflowStore>(sp => sp.GetRequiredService<DirectoryWorkflowStore>()));
        return this;
    }
}
