using System.Diagnostics;

namespace FlowStream.Diagnostics;

/// <summary>The <see cref="ActivitySource"/> named <c>FlowStream</c> and the tag names shared by traces and metrics.</summary>
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
}
