using System.Runtime.CompilerServices;
using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowStream.WireContract;

namespace FlowStream.Events;

/// <summary>
/// Writes the JSON of each event type straight to UTF-8 with <see cref="Utf8JsonWriter"/>: no payload object, no string per
/// timestamp, property names pre-encoded. Text is written without needless escaping (non-ASCII and <c>&lt;&gt;&amp;'</c> stay as
/// they are); the JSON never holds a raw line break, so it is safe on one SSE <c>data:</c> line.
/// </summary>
/// <remarks>Not thread-safe: one per execution, used under the execution's lock. The bytes are valid until the next write.</remarks>
internal sealed class EventJsonWriter : IDisposable
{
    internal static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonEncodedText s_type = JsonEncodedText.Encode("type"u8);
    private static readonly JsonEncodedText s_data = JsonEncodedText.Encode("data"u8);
    private static readonly JsonEncodedText s_executionId = JsonEncodedText.Encode("executionId"u8);
    private static readonly JsonEncodedText s_mode = JsonEncodedText.Encode("mode"u8);
    private static readonly JsonEncodedText s_workflowId = JsonEncodedText.Encode("workflowId"u8);
    private static readonly JsonEncodedText s_workflowName = JsonEncodedText.Encode("workflowName"u8);
    private static readonly JsonEncodedText s_startedAt = JsonEncodedText.Encode("startedAt"u8);
    private static readonly JsonEncodedText s_finishedAt = JsonEncodedText.Encode("finishedAt"u8);
    private static readonly JsonEncodedText s_totalNodes = JsonEncodedText.Encode("totalNodes"u8);
    private static readonly JsonEncodedText s_parentExecutionId = JsonEncodedText.Encode("parentExecutionId"u8);
    private static readonly JsonEncodedText s_parentNodeName = JsonEncodedText.Encode("parentNodeName"u8);
    private static readonly JsonEncodedText s_nodeName = JsonEncodedText.Encode("nodeName"u8);
    private static readonly JsonEncodedText s_nodeType = JsonEncodedText.Encode("nodeType"u8);
    private static readonly JsonEncodedText s_attempt = JsonEncodedText.Encode("attempt"u8);
    private static readonly JsonEncodedText s_status = JsonEncodedText.Encode("status"u8);
    private static readonly JsonEncodedText s_reason = JsonEncodedText.Encode("reason"u8);
    private static readonly JsonEncodedText s_output = JsonEncodedText.Encode("output"u8);
    private static readonly JsonEncodedText s_outputs = JsonEncodedText.Encode("outputs"u8);
    private static readonly JsonEncodedText s_dataTruncated = JsonEncodedText.Encode("dataTruncated"u8);
    private static readonly JsonEncodedText s_dataBytes = JsonEncodedText.Encode("dataBytes"u8);
    private static readonly JsonEncodedText s_error = JsonEncodedText.Encode("error"u8);
    private static readonly JsonEncodedText s_message = JsonEncodedText.Encode("message"u8);
    private static readonly JsonEncodedText s_continuedOnFail = JsonEncodedText.Encode("continuedOnFail"u8);
    private static readonly JsonEncodedText s_executionTimeMs = JsonEncodedText.Encode("executionTimeMs"u8);
    private static readonly JsonEncodedText s_progress = JsonEncodedText.Encode("progress"u8);
    private static readonly JsonEncodedText s_completed = JsonEncodedText.Encode("completed"u8);
    private static readonly JsonEncodedText s_total = JsonEncodedText.Encode("total"u8);
    private static readonly JsonEncodedText s_percent = JsonEncodedText.Encode("percent"u8);
    private static readonly JsonEncodedText s_estimatedRemainingMs = JsonEncodedText.Encode("estimatedRemainingMs"u8);
    private static readonly JsonEncodedText s_waitMs = JsonEncodedText.Encode("waitMs"u8);

    private static readonly JsonEncodedText s_executionStarted = JsonEncodedText.Encode(WireNames.ExecutionStarted);
    private static readonly JsonEncodedText s_nodeExecutionBefore = JsonEncodedText.Encode(WireNames.NodeExecutionBefore);
    private static readonly JsonEncodedText s_nodeExecutionAfter = JsonEncodedText.Encode(WireNames.NodeExecutionAfter);
    private static readonly JsonEncodedText s_nodeExecutionProgress = JsonEncodedText.Encode(WireNames.NodeExecutionProgress);
    private static readonly JsonEncodedText s_nodeExecutionRetry = JsonEncodedText.Encode(WireNames.NodeExecutionRetry);
    private static readonly JsonEncodedText s_executionPaused = JsonEncodedText.Encode(WireNames.ExecutionPaused);
    private static readonly JsonEncodedText s_executionResumed = JsonEncodedText.Encode(WireNames.ExecutionResumed);
    private static readonly JsonEncodedText s_executionFinished = JsonEncodedText.Encode(WireNames.ExecutionFinished);

    private static readonly SearchValues<byte> s_notVerbatim = SearchValues.Create(" \t\r\n\\"u8);

    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;
    private readonly long _executionId;
    private readonly int _maxDataBytes;

    public EventJsonWriter(long executionId, int maxDataBytes)
    {
        _executionId = executionId;
        _maxDataBytes = maxDataBytes;
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Encoder = Encoder, SkipValidation = true });
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public static JsonEncodedText Encode(string text) => JsonEncodedText.Encode(text, Encoder);

    public ReadOnlySpan<byte> ExecutionStarted(string mode, string workflowId, string workflowName, DateTimeOffset startedAt, int totalNodes, long? parentExecutionId, string? parentNodeName)
    {
        Begin(s_executionStarted);
        _writer.WriteString(s_mode, mode);
        _writer.WriteString(s_workflowId, workflowId);
        _writer.WriteString(s_workflowName, workflowName);
        WriteTime(s_startedAt, startedAt);
        _writer.WriteNumber(s_totalNodes, totalNodes);
        if (parentExecutionId is { } parent)
        {
            _writer.WriteNumber(s_parentExecutionId, parent);
            if (parentNodeName is not null)
            {
                _writer.WriteString(s_parentNodeName, parentNodeName);
            }
        }

        return End();
    }

    /// <summary>Writes a <c>nodeExecutionBefore</c>. For a node that will not run (<c>disabled</c>, <c>branchNotTaken</c>) its
    /// <c>reason</c> is said already here, so a client need not show it running for the instant before its <c>nodeExecutionAfter</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> NodeBefore(JsonEncodedText nodeName, JsonEncodedText nodeType, DateTimeOffset startedAt, int attempt, string? skipReason = null)
    {
        Begin(s_nodeExecutionBefore);
        _writer.WriteString(s_nodeName, nodeName);
        _writer.WriteString(s_nodeType, nodeType);
        WriteTime(s_startedAt, startedAt);
        _writer.WriteNumber(s_attempt, attempt);
        if (skipReason is not null)
        {
            _writer.WriteString(s_reason, skipReason);
        }

        return End();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ReadOnlySpan<byte> NodeAfter(in NodeAfterEvent e)
    {
        Begin(s_nodeExecutionAfter);
        _writer.WriteString(s_nodeName, e.NodeName);
        _writer.WriteString(s_nodeType, e.NodeType);
        _writer.WriteString(s_status, e.Status);
        if (e.Reason is not null)
        {
            _writer.WriteString(s_reason, e.Reason);
        }

        if (e.Outputs is { Length: > 0 } outputs && !(outputs.Length == 1 && outputs[0] == WireNames.OutputMain))
        {
            _writer.WriteString(s_output, outputs[0]);
            if (outputs.Length > 1)
            {
                _writer.WriteStartArray(s_outputs);
                foreach (var output in outputs)
                {
                    _writer.WriteStringValue(output);
                }

                _writer.WriteEndArray();
            }
        }

        if (e.Data is { } data)
        {
            WriteData(data);
        }

        if (e.ErrorMessage is not null)
        {
            _writer.WriteStartObject(s_error);
            _writer.WriteString(s_message, e.ErrorMessage);
            _writer.WriteEndObject();
        }

        if (e.ContinuedOnFail)
        {
            _writer.WriteBoolean(s_continuedOnFail, true);
        }

        _writer.WriteNumber(s_attempt, e.Attempt);
        WriteTime(s_finishedAt, e.FinishedAt);
        _writer.WriteNumber(s_executionTimeMs, e.ExecutionTimeMs);
        _writer.WriteStartObject(s_progress);
        _writer.WriteNumber(s_completed, e.Completed);
        _writer.WriteNumber(s_total, e.Total);
        _writer.WriteNumber(s_percent, e.Total == 0 ? 100 : (int)(e.Completed * 100L / e.Total));
        _writer.WriteEndObject();
        if (e.EstimatedRemainingMs is { } estimate)
        {
            _writer.WriteNumber(s_estimatedRemainingMs, estimate);
        }

        return End();
    }

    public ReadOnlySpan<byte> NodeProgress(JsonEncodedText nodeName, JsonElement data)
    {
        Begin(s_nodeExecutionProgress);
        _writer.WriteString(s_nodeName, nodeName);
        WriteData(data);
        return End();
    }

    public ReadOnlySpan<byte> NodeRetry(JsonEncodedText nodeName, int attempt, string errorMessage, long waitMs)
    {
        Begin(s_nodeExecutionRetry);
        _writer.WriteString(s_nodeName, nodeName);
        _writer.WriteNumber(s_attempt, attempt);
        _writer.WriteStartObject(s_error);
        _writer.WriteString(s_message, errorMessage);
        _writer.WriteEndObject();
        _writer.WriteNumber(s_waitMs, waitMs);
        return End();
    }

    public ReadOnlySpan<byte> ExecutionPaused()
    {
        Begin(s_executionPaused);
        return End();
    }

    public ReadOnlySpan<byte> ExecutionResumed()
    {
        Begin(s_executionResumed);
        return End();
    }

    public ReadOnlySpan<byte> ExecutionFinished(string status, DateTimeOffset finishedAt, long executionTimeMs, string? errorMessage, string? failedNode)
    {
        Begin(s_executionFinished);
        _writer.WriteString(s_status, status);
        WriteTime(s_finishedAt, finishedAt);
        _writer.WriteNumber(s_executionTimeMs, executionTimeMs);
        if (errorMessage is not null)
        {
            _writer.WriteStartObject(s_error);
            _writer.WriteString(s_message, errorMessage);
            if (failedNode is not null)
            {
                _writer.WriteString(s_nodeName, failedNode);
            }

            _writer.WriteEndObject();
        }

        return End();
    }

    /// <summary>
    /// Writes a JSON value compactly: its raw bytes when they hold neither whitespace nor an escape (so they are already compact and
    /// unescaped, and hold no line break), else re-written through this writer's encoder.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteValue(Utf8JsonWriter writer, JsonElement value)
    {
        var raw = JsonMarshal.GetRawUtf8Value(value);
        if (raw.IndexOfAny(s_notVerbatim) < 0)
        {
            writer.WriteRawValue(raw, skipInputValidation: true);
        }
        else
        {
            value.WriteTo(writer);
        }
    }

    /// <summary>Gets the size in bytes of a value's JSON as it is held (its raw UTF-8 text).</summary>
    public static int SizeOf(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? 0 : JsonMarshal.GetRawUtf8Value(value).Length;

    public void Dispose() => _writer.Dispose();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteData(JsonElement data)
    {
        var size = SizeOf(data);
        if (size > _maxDataBytes)
        {
            // The claim check: the event says what happened, the data follows on request.
            _writer.WriteBoolean(s_dataTruncated, true);
            _writer.WriteNumber(s_dataBytes, size);
        }
        else
        {
            _writer.WritePropertyName(s_data);
            WriteValue(_writer, data);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Begin(JsonEncodedText type)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteString(s_type, type);
        _writer.WriteStartObject(s_data);
        _writer.WriteNumber(s_executionId, _executionId);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<byte> End()
    {
        _writer.WriteEndObject();
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenSpan;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteTime(JsonEncodedText name, DateTimeOffset time)
    {
        Span<byte> text = stackalloc byte[WireTime.Length];
        WireTime.Write(time, text);
        _writer.WriteString(name, text);
    }
}

/// <summary>What a <c>nodeExecutionAfter</c> says.</summary>
internal readonly struct NodeAfterEvent
{
    public required JsonEncodedText NodeName { get; init; }
    public required JsonEncodedText NodeType { get; init; }
    public required string Status { get; init; }
    public string? Reason { get; init; }
    public string[]? Outputs { get; init; }
    public JsonElement? Data { get; init; }
    public string? ErrorMessage { get; init; }
    public bool ContinuedOnFail { get; init; }
    public int Attempt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
    public long ExecutionTimeMs { get; init; }
    public int Completed { get; init; }
    public int Total { get; init; }
    public long? EstimatedRemainingMs { get; init; }
}
