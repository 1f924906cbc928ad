using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FlowStream.Diagnostics;

/// <summary>
/// The instruments of the <c>FlowStream</c> <see cref="Meter"/>. The meter comes from the container's <see cref="IMeterFactory"/>
/// (as ASP.NET Core's own meters do), so each service provider has its own and tests can observe exactly their host's.
/// </summary>
internal sealed class FlowStreamMetrics
{
    private readonly Counter<long> _executions;
    private readonly Histogram<double> _executionDuration;
    private readonly Counter<long> _nodes;
    private readonly Histogram<double> _nodeDuration;
    private readonly Counter<long> _eventsPublished;
    private readonly Counter<long> _subscribersLagging;
    private readonly UpDownCounter<long> _readers;
    private readonly UpDownCounter<long> _running;

    public FlowStreamMetrics(IMeterFactory? meterFactory = null)
    {
        Meter = meterFactory?.Create(FlowStreamTelemetry.Name) ?? new Meter(FlowStreamTelemetry.Name);
        _executions = Meter.CreateCounter<long>("flowstream.executions", "{execution}", "Executions finished, by status.");
        _executionDuration = Meter.CreateHistogram<double>("flowstream.execution.duration", "s", "Duration of finished executions.");
        _nodes = Meter.CreateCounter<long>("flowstream.nodes", "{node}", "Nodes finished, by type and status.");
        _nodeDuration = Meter.CreateHistogram<double>("flowstream.node.duration", "s", "Duration of finished nodes, all attempts included.");
        _eventsPublished = Meter.CreateCounter<long>("flowstream.events.published", "{event}", "Execution events published.");
        _subscribersLagging = Meter.CreateCounter<long>("flowstream.subscribers.lagging", "{subscriber}", "Times a reader fell more than SubscriberBufferCapacity events behind the head of an execution's log.");
        _readers = Meter.CreateUpDownCounter<long>("flowstream.readers.active", "{reader}", "Readers currently attached to execution event logs (SSE streams, subscriptions).");
        _running = Meter.CreateUpDownCounter<long>("flowstream.executions.running", "{execution}", "Executions currently running.");
    }

    public Meter Meter { get; }

    public void ExecutionStarted() => _running.Add(1);

    public void ExecutionFinished(string status, TimeSpan elapsed, string workflowId)
    {
        _running.Add(-1);
        if (_executions.Enabled || _executionDuration.Enabled)
        {
            var tags = new TagList { { FlowStreamTelemetry.StatusTag, status }, { FlowStreamTelemetry.WorkflowIdTag, workflowId } };
            _executions.Add(1, tags);
            _executionDuration.Record(elapsed.TotalSeconds, tags);
        }
    }

    public void NodeFinished(string nodeType, string status, TimeSpan elapsed, string workflowId)
    {
        if (_nodes.Enabled || _nodeDuration.Enabled)
        {
            var tags = new TagList
            {
                { FlowStreamTelemetry.NodeTypeTag, nodeType },
                { FlowStreamTelemetry.StatusTag, status },
                { FlowStreamTelemetry.WorkflowIdTag, workflowId },
            };
            _nodes.Add(1, tags);
            _nodeDuration.Record(elapsed.TotalSeconds, tags);
        }
    }

    public void EventsPublished(int count)
    {
        if (_eventsPublished.Enabled)
        {
            _eventsPublished.Add(count);
        }
    }

    public void SubscriberLagging() => _subscribersLagging.Add(1);

    public void ReaderOpened() => _readers.Add(1);

    public void ReaderClosed() => _readers.Add(-1);
}
