using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace FlowStream.Testing;

/// <summary>Follows the <c>flowstream.readers.active</c> instrument of one host's <c>FlowStream</c> meter (its own IMeterFactory), so parallel tests do not see each other.</summary>
public sealed class ActiveReaders : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly object _scope;
    private long _count;
    private TaskCompletionSource _zero = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ActiveReaders(IServiceProvider services)
    {
        _scope = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "FlowStream" && ReferenceEquals(instrument.Meter.Scope, _scope) && instrument.Name == "flowstream.readers.active")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, delta, _, _) =>
        {
            if (Interlocked.Add(ref _count, delta) == 0)
            {
                _zero.TrySetResult();
            }
            else if (_zero.Task.IsCompleted)
            {
                _zero = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public Task WhenZeroAsync() => Count == 0 ? Task.CompletedTask : _zero.Task;

    public void Dispose() => _listener.Dispose();
}
