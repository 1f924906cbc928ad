using System.Collections.Concurrent;
using FlowStream.Diagnostics;
using FlowStream.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlowStream.Engine;

/// <summary>What the parts of a running execution need from the host: time, options, node types, services, the event writer and telemetry.</summary>
internal sealed class ExecutionEnvironment
{
    private readonly ConcurrentDictionary<string, ILogger> _nodeLoggers = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggerFactory;

    public ExecutionEnvironment(FlowStreamOptions options, TimeProvider timeProvider, NodeTypeRegistry nodeTypes, IServiceScopeFactory scopeFactory, IExecutionEventWriter events, FlowStreamMetrics metrics, ILoggerFactory loggerFactory)
    {
        Options = options;
        Time = timeProvider;
        NodeTypes = nodeTypes;
        ScopeFactory = scopeFactory;
        Events = events;
        Metrics = metrics;
        _loggerFactory = loggerFactory;
        Logger = loggerFactory.CreateLogger("FlowStream.Engine");
    }

    public FlowStreamOptions Options { get; }

    public TimeProvider Time { get; }

    public NodeTypeRegistry NodeTypes { get; }

    public IServiceScopeFactory ScopeFactory { get; }

    public IExecutionEventWriter Events { get; }

    public FlowStreamMetrics Metrics { get; }

    public ILogger Logger { get; }

    /// <summary>Gets or sets the registry, told when an execution finishes and when its bytes grow.</summary>
    public ExecutionRegistry Registry { get; set; } = null!;

    public ILogger GetNodeLogger(string nodeType)
        => _nodeLoggers.GetOrAdd(nodeType, static (type, factory) => factory.CreateLogger("FlowStream.Nodes." + type), _loggerFactory);
}
