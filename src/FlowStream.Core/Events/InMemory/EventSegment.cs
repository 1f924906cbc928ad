using System.Buffers;

namespace FlowStream.Events;

/// <summary>A pooled block of an execution log's storage holding the UTF-8 JSON of consecutive events.</summary>
internal sealed class EventSegment(byte[] buffer)
{
    private volatile bool _released;

    public byte[] Buffer { get; } = buffer;

    public int Written { get; set; }

    /// <summary>Gets or sets the sequence number of the last event stored here.</summary>
    public long LastSequence { get; set; }

    public bool IsReleased => _released;

    /// <summary>Marks the segment dead (events over it then refuse to hand out their bytes) and returns its buffer to the pool.</summary>
    public void Release()
    {
        _released = true;
        ArrayPool<byte>.Shared.Return(Buffer);
    }
}
