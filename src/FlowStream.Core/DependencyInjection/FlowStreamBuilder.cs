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

    /// <summary>
    /// Registers a node type whose nodes have outputs besides <see cref="NodeOutputs.Main"/> (as <c>if</c> has <c>true</c> and
    /// <c>false</c>). A connection may start at any of them (<c>fromOutput</c>); one that names an output the type does not declare is
    /// a validation problem (<see cref="WorkflowValidationCodes.UnknownOutput"/>). Otherwise as <see cref="AddNode{THandler}(string)"/>.
    /// </summary>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <param name="type">The node type, as workflows write it in a node's <c>type</c>.</param>
    /// <param name="outputs">The outputs besides <c>main</c> (which every node has) and <c>error</c> (which every node with <c>onError: "errorOutput"</c> has).</param>
    /// <returns>This builder.</returns>
    public FlowStreamBuilder AddNode<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(string type, params IEnumerable<string> outputs)
        where THandler : class, INodeHandler
    {
        ArgumentNullException.ThrowIfNull(outputs);
        string[] declared = [.. outputs];
        return AddNode<THandler>(type, _ => declared);
    }

    /// <summary>
    /// Registers a node type whose outputs depend on each node's definition (as <c>switch</c> has one per rule of its parameters).
    /// Otherwise as <see cref="AddNode{THandler}(string, IEnumerable{string})"/>.
    /// </summary>
    /// <typeparam name="THandler">The handler.</typeparam>
    /// <param name="type">The node type, as workflows write it in a node's <c>type</c>.</param>
    /// <param name="outputs">
    /// Gives the outputs of a node besides <c>main</c> and <c>error</c>, from its definition (parameters before templates are resolved).
    /// Called when a workflow is validated; it must not throw for parameters it does not understand (the handler reports those).
    /// </param>
    /// <returns>This builder.</returns>
    public FlowStreamBuilder AddNode<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(string type, Func<NodeDefinition, IEnumerable<string>> outputs)
        where THandler : class, INodeHandler
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(outputs);
        Services.TryAddScoped<THandler>();
        Services.AddSingleton(new NodeTypeRegistration(type, static sp => sp.GetRequiredService<THandler>(), outputs));
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

    /// <summary>Registers a small inline node type with outputs besides <see cref="NodeOutputs.Main"/>. Registering a type again replaces the earlier handler.</summary>
    /// <param name="type">The node type, as workflows write it in a node's <c>type</c>.</param>
    /// <param name="execute">Runs one attempt of a node; it picks the output with <see cref="NodeResult.Success(System.Text.Json.JsonElement, string)"/>.</param>
    /// <param name="outputs">The outputs besides <c>main</c> (which every node has) and <c>error</c> (which every node with <c>onError: "errorOutput"</c> has).</param>
    /// <returns>This builder.</returns>
    public FlowStreamBuilder AddNode(string type, Func<NodeExecutionContext, CancellationToken, ValueTask<NodeResult>> execute, params IEnumerable<string> outputs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(execute);
        ArgumentNullException.ThrowIfNull(outputs);
        var handler = new DelegateNodeHandler(execute);
        string[] declared = [.. outputs];
        Services.AddSingleton(new NodeTypeRegistration(type, _ => handler, _ => declared));
        return this;
    }

    /// <summary>
    /// Configures the built-in <c>http</c> node (<see cref="HttpNodeOptions"/>): which destinations it may reach, its timeouts and its
    /// response size cap. Calling it again adds to the configuration.
    /// </summary>
    /// <param name="configure">Configures the options.</param>
    /// <returns>This builder.</returns>
    public FlowStreamBuilder ConfigureHttpNode(Action<HttpNodeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
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
