using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowStream.WireContract;

namespace FlowStream.Redis.Internal;

/// <summary>Reads the type of an event's JSON, and writes the events a host publishes for an execution whose instance was lost.</summary>
internal static class EventJson
{
    private static readonly JsonWriterOptions s_options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The event's type (the first property of <c>{"type": ..., "data": ...}</c>), as the shared constant when it is a known one.</summary>
    public static string TypeOf(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        if (reader.Read() && reader.TokenType == JsonTokenType.StartObject
            && reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("type"u8)
            && reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            var value = reader.ValueSpan;
            return value.SequenceEqual("nodeExecutionAfter"u8) ? WireNames.NodeExecutionAfter
                : value.SequenceEqual("nodeExecutionBefore"u8) ? WireNames.NodeExecutionBefore
                : value.SequenceEqual("nodeExecutionProgress"u8) ? WireNames.NodeExecutionProgress
                : value.SequenceEqual("executionStarted"u8) ? WireNames.ExecutionStarted
                : value.SequenceEqual("executionFinished"u8) ? WireNames.ExecutionFinished
                : reader.GetString()!;
        }

        throw new FormatException("A stored event is not a JSON object whose first property is its type.");
    }

    /// <summary>The <c>nodeExecutionAfter</c> (<c>status: "error"</c>) of a node that was running on a lost instance.</summary>
    public static byte[] LostNodeAfter(long executionId, string nodeName, string nodeType, int attempt, DateTimeOffset now, long executionTimeMs, string message, int completed, int total)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = Begin(buffer, WireNames.NodeExecutionAfter, executionId))
        {
            writer.WriteString("nodeName"u8, nodeName);
            writer.WriteString("nodeType"u8, nodeType);
            writer.WriteString("status"u8, WireNames.StatusError);
            writer.WriteStartObject("error"u8);
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
            writer.WriteNumber("attempt"u8, Math.Max(1, attempt));
            writer.WriteString("finishedAt"u8, WireTime.ToString(now));
            writer.WriteNumber("executionTimeMs"u8, executionTimeMs);
            writer.WriteStartObject("progress"u8);
            writer.WriteNumber("completed"u8, completed);
            writer.WriteNumber("total"u8, total);
            writer.WriteNumber("percent"u8, total == 0 ? 100 : (int)(completed * 100L / total));
            writer.WriteEndObject();
            End(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The <c>executionFinished</c> (<c>status: "error"</c>) of an execution whose instance was lost.</summary>
    public static byte[] LostExecutionFinished(long executionId, DateTimeOffset now, long executionTimeMs, string message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = Begin(buffer, WireNames.ExecutionFinished, executionId))
        {
            writer.WriteString("status"u8, WireNames.StatusError);
            writer.WriteString("finishedAt"u8, WireTime.ToString(now));
            writer.WriteNumber("executionTimeMs"u8, executionTimeMs);
            writer.WriteStartObject("error"u8);
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
            End(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static Utf8JsonWriter Begin(ArrayBufferWriter<byte> buffer, string type, long executionId)
    {
        var writer = new Utf8JsonWriter(buffer, s_options);
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        writer.WriteStartObject("data"u8);
        writer.WriteNumber("executionId"u8, executionId);
        return writer;
    }

    private static void End(Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
    }
}
