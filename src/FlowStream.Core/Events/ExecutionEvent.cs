using System.Text;
using System.Text.Json;
using FlowStream.Serialization;

namespace FlowStream;

/// <summary>
/// One event of an execution: its sequence number and its JSON (<c>{"type": ..., "data": {...}}</c>),
/// serialized once when it was published and shared by the event log and every subscriber.
/// </summary>
public sealed class ExecutionEvent
{
    private JsonElement _data;

    /// <summary>Initializes a new event. Event bus implementations use this to carry events they received.</summary>
    /// <param name="executionId">The execution the event belongs to.</param>
    /// <param name="sequence">The event's sequence number within its execution, from 1.</param>
    /// <param name="type">The event type, one of <see cref="ExecutionEventTypes"/> or a newer one.</param>
    /// <param name="utf8Json">The compact UTF-8 JSON of the event: <c>{"type": ..., "data": {...}}</c>.</param>
    public ExecutionEvent(long executionId, long sequence, string type, ReadOnlyMemory<byte> utf8Json)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        ArgumentException.ThrowIfNullOrEmpty(type);
        ExecutionId = executionId;
        Sequence = sequence;
        Type = type;
        Utf8Json = utf8Json;
    }

    /// <summary>Gets the id of the execution the event belongs to.</summary>
    public long ExecutionId { get; }

    /// <summary>Gets the event's sequence number within its execution: 1, 2, 3, … without gaps. It is the SSE <c>id</c>.</summary>
    public long Sequence { get; }

    /// <summary>Gets the event type (see <see cref="ExecutionEventTypes"/>).</summary>
    public string Type { get; }

    /// <summary>Gets the compact UTF-8 JSON of the whole event, <c>{"type": ..., "data": {...}}</c>: the bytes of the SSE <c>data:</c> line.</summary>
    public ReadOnlyMemory<byte> Utf8Json { get; }

    /// <summary>Gets a value indicating whether this is the execution's last event (<see cref="ExecutionEventTypes.ExecutionFinished"/>).</summary>
    public bool IsTerminal => ReferenceEquals(Type, ExecutionEventTypes.ExecutionFinished) || Type == ExecutionEventTypes.ExecutionFinished;

    /// <summary>Gets the event's <c>data</c> object, parsed from <see cref="Utf8Json"/> on first access.</summary>
    public JsonElement Data
    {
        get
        {
            if (_data.ValueKind == JsonValueKind.Undefined)
            {
                var root = JsonSerializer.Deserialize(Utf8Json.Span, FlowStreamJsonContext.Default.JsonElement);
                _data = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data"u8, out var data) ? data : default;
            }

            return _data;
        }
    }

    /// <summary>Returns the event's JSON text.</summary>
    /// <returns>The JSON of the event.</returns>
    public override string ToString() => Encoding.UTF8.GetString(Utf8Json.Span);
}
