using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.IO.Pipelines;

namespace FlowStream.AspNetCore.Internal;

/// <summary>
/// Frames execution events as Server-Sent Events straight into a <see cref="PipeWriter"/>: <c>id: N</c>, one <c>data:</c>
/// line holding the bytes Core serialized once, and a blank line. No allocation, no re-serialization.
/// </summary>
internal static class SseEventWriter
{
    private const int MaxIdDigits = 20;

    /// <summary>Gets the bytes of a heartbeat comment.</summary>
    public static ReadOnlySpan<byte> Keepalive => ": keepalive\n\n"u8;

    /// <summary>Writes one event; returns the number of bytes written.</summary>
    public static int Write(PipeWriter writer, ExecutionEvent executionEvent)
    {
        var json = executionEvent.Utf8Json.Span;
        Debug.Assert(json.IndexOfAny((byte)'\n', (byte)'\r') < 0, "Event JSON is compact: it holds no line break.");
        var span = writer.GetSpan("id: "u8.Length + MaxIdDigits + "\ndata: "u8.Length + json.Length + "\n\n"u8.Length);
        "id: "u8.CopyTo(span);
        var position = "id: "u8.Length;
        Utf8Formatter.TryFormat(executionEvent.Sequence, span[position..], out var digits);
        position += digits;
        "\ndata: "u8.CopyTo(span[position..]);
        position += "\ndata: "u8.Length;
        json.CopyTo(span[position..]);
        position += json.Length;
        "\n\n"u8.CopyTo(span[position..]);
        position += "\n\n"u8.Length;
        writer.Advance(position);
        return position;
    }

    /// <summary>Writes a heartbeat comment; returns the number of bytes written.</summary>
    public static int WriteKeepalive(PipeWriter writer)
    {
        writer.Write(Keepalive);
        return Keepalive.Length;
    }
}
