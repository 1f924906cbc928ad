using System.Text;
using System.Text.Json;
using FlowStream.Events;
using FlowStream.Serialization;

namespace FlowStream;

/// <summary>
/// One event of an execution: its sequence number and its JSON (<c>{"type": ..., "data": {...}}</c>), serialized once when
/// it was published and shared by the event log and every reader.
/// </summary>
/// <remarks>
/// <para>A small value: reading events allocates nothing. The bytes of an event the in-memory log handed out belong to
/// that log and stay valid until its execution is evicted (<see cref="FlowStreamOptions.FinishedExecutionTimeToLive"/>,
/// <see cref="FlowStreamOptions.MaxFinishedExecutions"/>, <see cref="FlowStreamOptions.MaxRetainedBytes"/>); after that
/// <see cref="Utf8Json"/> throws <see cref="ObjectDisposedException"/>. Call <see cref="Detach"/> to keep an event longer.</para>
/// </remarks>
public readonly struct ExecutionEvent
{
    private readonly ReadOnlyMemory<byte> _utf8Json;
    private readonly EventSegment? _segment;

    /// <summary>Initializes an event over bytes the caller owns. Event store implementations use this to carry events they read.</summary>
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
        _utf8Json = utf8Json;
    }

    internal ExecutionEvent(long executionId, long sequence, string type, EventSegment segment, int offset, int length)
    {
        ExecutionId = executionId;
        Sequence = sequence;
        Type = type;
        _segment = segment;
        _utf8Json = new ReadOnlyMemory<byte>(segment.Buffer, offset, length);
    }

    /// <summary>Gets the id of the execution the event belongs to.</summary>
    public long ExecutionId { get; }

    /// <summary>Gets the event's sequence number within its execution: 1, 2, 3, … without gaps. It is the SSE <c>id</c>.</summary>
    public long Sequence { get; }

    /// <summary>Gets the event type (see <see cref="ExecutionEventTypes"/>).</summary>
    public string Type { get; }

    /// <summary>Gets the compact UTF-8 JSON of the whole event, <c>{"type": ..., "data": {...}}</c>: the bytes of the SSE <c>data:</c> line.</summary>
    /// <exception cref="ObjectDisposedException">The execution was evicted and the log's storage reused (see the remarks of <see cref="ExecutionEvent"/>).</exception>
    public ReadOnlyMemory<byte> Utf8Json
    {
        get
        {
            if (_segment is { IsReleased: true })
            {
                throw new ObjectDisposedException(nameof(ExecutionEvent), $"Event {Sequence} of execution {ExecutionId} is no longer retained: its execution was evicted. Call Detach() to keep an event beyond its execution's retention.");
            }

            return _utf8Json;
        }
    }

    /// <summary>Gets the length of <see cref="Utf8Json"/> in bytes.</summary>
    public int Length => _utf8Json.Length;

    /// <summary>Gets a value indicating whether this is the execution's last event (<see cref="ExecutionEventTypes.ExecutionFinished"/>).</summary>
    public bool IsTerminal => ReferenceEquals(Type, ExecutionEventTypes.ExecutionFinished) || Type == ExecutionEventTypes.ExecutionFinished;

    /// <summary>Gets the event's <c>data</c> object, parsed from <see cref="Utf8Json"/> on each access.</summary>
    public JsonElement Data
    {
        get
        {
            if (Type is null)
            {
                return default;
            }

            var root = JsonSerializer.Deserialize(Utf8Json.Span, FlowStreamJsonContext.Default.JsonElement);
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("data"u8, out var data) ? data : default;
        }
    }

    /// <summary>Returns a copy of this event that owns its bytes, so it stays valid after its execution is evicted.</summary>
    /// <returns>The copy.</returns>
    public ExecutionEvent Detach() => _segment is null ? this : new ExecutionEvent(ExecutionId, Sequence, Type, Utf8Json.ToArray());

    /// <summary>Returns the event's JSON text.</summary>
    /// <returns>The JSON of the event.</returns>
    public override string ToString() => Type is null ? "" : Encoding.UTF8.GetString(Utf8Json.Span);
}
