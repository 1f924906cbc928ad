using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlowStream.Diagnostics;

/// <summary>The <see cref="ActivitySource"/> and <see cref="Meter"/> named <c>FlowStream</c>, and their instruments.</summary>
/// <remarks>Tags carry workflow ids, node names, node types and statuses only: never parameters, outputs or input data.</remarks>
internal static class FlowStreamTelemetry
{
    public const string Name = "FlowStream";

    public const string WorkflowIdTag = "flowstream.workflow.id";
    public const string ExecutionIdTag = "flowstream.execution.id";
    public const string NodeNameTag = "flowstream.node.name";
    public const string NodeTypeTag = "flowstream.node.type";
    public const string StatusTag = "flowstream.status";

    public static readonly ActivitySource ActivitySource = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Executions = Meter.CreateCounter<long>(
        "flowstream.executions", unit: "{execution}", description: "Executions finished, by status.");

    public static readonly Histogram<double> ExecutionDuration = Meter.CreateHistogram<double>(
        "flowstream.execution.duration", unit: "s", description: "Duration of finished executions.");

    public static readonly Counter<long> Nodes = Meter.CreateCounter<long>(
        "flowstream.nodes", unit: "{node}", description: "Nodes finished, by type and status.");

    public static readonly Histogram<double> NodeDuration = Meter.CreateHistogram<double>(
        "flowstream.node.duration", unit: "s", description: "Duration of finished nodes, all attempts included.");

    public static readonly Counter<long> EventsPublished = Meter.CreateCounter<long>(
        "flowstream.events.published", unit: "{event}", description: "Execution events published.");

    public static readonly Counter<long> SubscribersLagging = Meter.CreateCounter<long>(
        "flowstream.subscribers.lagging", unit: "{subscriber}", description: "Times a subscriber fell behind its buffer and switched to catching up from the event log.");
}
