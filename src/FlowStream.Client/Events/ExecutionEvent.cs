using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlowStream.Client.Serialization;

namespace FlowStream.Client;

/// <summary>
/// One event of an execution, as read from its stream: the SSE <c>id</c> (the event's sequence number within its
/// execution) and the event's <c>type</c> and <c>data</c>.
/// </summary>
/// <remarks>
/// The <c>Try*</c> methods read <see cref="Data"/> as the typed payload of the event's type; they return
/// <see langword="false"/> for an event of another type. Fields a payload type does not know are ignored, and a field
/// the server left out keeps its default value. Events of types that are not in <see cref="ExecutionEventTypes"/> are
/// delivered too: read their <see cref="Data"/> directly, or ignore them.
/// </remarks>
public sealed class ExecutionEvent
{
    /// <summary>Initializes a new event, for example to feed code under test that consumes a stream.</summary>
    /// <param name="executionId">The execution the event belongs to.</param>
    /// <param name="id">The event's sequence number within its execution, from 1.</param>
    /// <param name="type">The event type, one of <see cref="ExecutionEventTypes"/> or a newer one.</param>
    /// <param name="data">The event's <c>data</c> object.</param>
    /// <exception cref="ArgumentNullException"><paramref name="type"/> is <see langword="null"/>.</exception>
    public ExecutionEvent(long executionId, long id, string type, JsonElement data)
    {
        ArgumentNullException.ThrowIfNull(type);
        ExecutionId = executionId;
        Id = id;
        Type = type;
        Data = data;
        NodeName = data.ValueKind == JsonValueKind.Object
            && data.TryGetProperty("nodeName"u8, out var nodeName)
            && nodeName.ValueKind == JsonValueKind.String
            ? nodeName.GetString()
            : null;
    }

    /// <summary>Gets the event's sequence number within its execution (1, 2, 3, …): the SSE <c>id</c>, and what <c>Last-Event-ID</c> resumes from.</summary>
    public long Id { get; }

    /// <summary>
    /// Gets the id of the execution the event belongs to: the one attached to, else the start response's
    /// <c>X-Execution-Id</c> header, else the first event's <c>data.executionId</c> (0 if none of them said).
    /// </summary>
    public long ExecutionId { get; }

    /// <summary>Gets the event type (see <see cref="ExecutionEventTypes"/>; other values may come from newer servers).</summary>
    public string Type { get; }

    /// <summary>Gets the event's <c>data</c> object (a <see cref="JsonValueKind.Undefined"/> element if the server sent none).</summary>
    public JsonElement Data { get; }

    /// <summary>Gets the <c>nodeName</c> of the event's data, or <see langword="null"/> for events that do not belong to a node.</summary>
    public string? NodeName { get; }

    /// <summary>Gets a value indicating whether this is the execution's last event (<see cref="ExecutionEventTypes.ExecutionFinished"/>).</summary>
    public bool IsTerminal => Type == ExecutionEventTypes.ExecutionFinished;

    /// <summary>Reads the data of an <see cref="ExecutionEventTypes.ExecutionStarted"/> event.</summary>
    /// <param name="data">The typed data when this is such an event; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when this is an <see cref="ExecutionEventTypes.ExecutionStarted"/> event.</returns>
    /// <exception cref="JsonException">The event's data does not have the shape of the wire contract.</exception>
    public bool TryGetExecutionStarted([NotNullWhen(true)] out ExecutionStartedData? data) =>
        TryGet(ExecutionEventTypes.ExecutionStarted, ClientJsonContext.Default.ExecutionStartedData, out data);

    /// <summary>Reads the data of a <see cref="ExecutionEventTypes.NodeExecutionBefore"/> event.</summary>
    /// <param name="data">The typed data when this is such an event; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when this is a <see cref="ExecutionEventTypes.NodeExecutionBefore"/> event.</returns>
    /// <exception cref="JsonException">The event's data does not have the shape of the wire contract.</exception>
    public bool TryGetNodeExecutionBefore([NotNullWhen(true)] out NodeExecutionBeforeData? data) =>
        TryGet(ExecutionEventTypes.NodeExecutionBefore, ClientJsonContext.Default.NodeExecutionBeforeData, out data);

    /// <summary>Reads the data of a <see cref="ExecutionEventTypes.NodeExecutionAfter"/> event.</summary>
    /// <param name="data">The typed data when this is such an event; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when this is a <see cref="ExecutionEventTypes.NodeExecutionAfter"/> event.</returns>
    /// <exception cref="JsonException">The event's data does not have the shape of the wire contract.</exception>
    public bool TryGetNodeExecutionAfter([NotNullWhen(true)] out NodeExecutionAfterData? data) =>
        TryGet(ExecutionEventTypes.NodeExecutionAfter, ClientJsonContext.Default.NodeExecutionAfterData, out data);

    /// <summary>Reads the data of a <see cref="ExecutionEventTypes.NodeExecutionProgress"/> event.</summary>
    /// <param name="data">The typed data when this is such an event; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when this is a <see cref="ExecutionEventTypes.NodeExecutionProgress"/> event.</returns>
    /// <exception cref="JsonException">The event's data does not have the shape of the wire contract.</exception>
    public bool TryGetNodeExecutionProgress([NotNullWhen(true)] out NodeExecutionProgressData? data) =>
        TryGet(ExecutionEventTypes.NodeExecutionProgress, ClientJsonContext.Default.NodeExecutionProgressData, out data);

    /// <summary>Reads the data of a <see cref="ExecutionEventTypes.NodeExecutionRetry"/> event.</summary>
    /// <param name="data">The typed data when this is such an event; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when this is a <see cref="ExecutionEventTypes.NodeExecutionRetry"/> event.</returns>
    /// <exception cref="JsonException">The event's data does not have the shape of the wire contract.</exception>
    public bool TryGetNodeExecutionRetry([NotNullWhen(true)] out NodeExecutionRetryData? data) =>
        TryGet(ExecutionEventTypes.NodeExecutionRetry, ClientJsonContext.Default.NodeExecutionRetryData, out data);

    /// <summary>Reads the data of an <see cref="ExecutionEventTypes.ExecutionPaused"/> event.</summary>
    /// <param name="data">The typed data when this is such an event; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when this is an <see cref="ExecutionEventTypes.ExecutionPaused"/> event.</returns>
    /// <exception cref="JsonException">The event's data does not have the shape of the wire contract.</exception>
    public bool TryGetExecutionPaused([NotNullWhen(true)] out ExecutionControlData? data) =>
        TryGet(ExecutionEventTypes.ExecutionPaused, ClientJsonContext.Default.ExecutionControlData, out data);

    /// <summary>Reads the data of an <see cref="ExecutionEventTypes.ExecutionResumed"/> event.</summary>
    /// <param name="data">The typed data when this is such an event; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when this is an <see cref="ExecutionEventTypes.ExecutionResumed"/> event.</returns>
    /// <exception cref="JsonException">The event's data does not have the shape of the wire contract.</exception>
    public bool TryGetExecutionResumed([NotNullWhen(true)] out ExecutionControlData? data) =>
        TryGet(ExecutionEventTypes.ExecutionResumed, ClientJsonContext.Default.ExecutionControlData, out data);

    /// <summary>Reads the data of an <see cref="ExecutionEventTypes.ExecutionFinished"/> event.</summary>
    /// <param name="data">The typed data when this is such an event; otherwise <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when this is an <see cref="ExecutionEventTypes.ExecutionFinished"/> event.</returns>
    /// <exception cref="JsonException">The event's data does not have the shape of the wire contract.</exception>
    public bool TryGetExecutionFinished([NotNullWhen(true)] out ExecutionFinishedData? data) =>
        TryGet(ExecutionEventTypes.ExecutionFinished, ClientJsonContext.Default.ExecutionFinishedData, out data);

    /// <summary>Returns the event as the JSON of its SSE <c>data:</c> line, <c>{"type": ..., "data": {...}}</c>.</summary>
    /// <returns>The event's JSON.</returns>
    public override string ToString()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, Type);
            if (Data.ValueKind != JsonValueKind.Undefined)
            {
                writer.WritePropertyName("data"u8);
                Data.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private bool TryGet<T>(string type, JsonTypeInfo<T> typeInfo, [NotNullWhen(true)] out T? data)
        where T : class
    {
        if (Type != type)
        {
            data = null;
            return false;
        }

        data = Data.ValueKind == JsonValueKind.Object
            ? Data.Deserialize(typeInfo)
            : throw new JsonException($"The data of the {type} event {Id} is not a JSON object.");
        return data is not null;
    }
}
