namespace FlowStream.Nodes.Gemini.Client;

/// <summary>
/// A read-only view of a response stream that throws <see cref="InvalidDataException"/> as soon as a line (bytes between two
/// <c>\n</c> or <c>\r</c>) grows longer than its limit, so an SSE parser never buffers an unbounded line.
/// </summary>
internal sealed class LineLimitedStream(Stream inner, int maxLineBytes) : Stream
{
    private long _lineLength;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Check(buffer.AsSpan(offset, inner.Read(buffer, offset, count)));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Check(buffer.Span[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Check(ReadOnlySpan<byte> read)
    {
        var lastBreak = read.LastIndexOfAny((byte)'\n', (byte)'\r');
        if (lastBreak < 0)
        {
            _lineLength += read.Length;
        }
        else
        {
            // Every line ended inside this read must have fit too.
            var start = 0;
            var first = true;
            while (start <= lastBreak)
            {
                var end = read[start..].IndexOfAny((byte)'\n', (byte)'\r') + start;
                var length = (first ? _lineLength : 0) + (end - start);
                if (length > maxLineBytes)
                {
                    throw TooLong();
                }

                first = false;
                start = end + 1;
            }

            _lineLength = read.Length - lastBreak - 1;
        }

        return _lineLength > maxLineBytes ? throw TooLong() : read.Length;
    }

    private InvalidDataException TooLong()
        => new($"The Gemini stream sent a line longer than {maxLineBytes} bytes (GeminiOptions.MaxStreamLineBytes).");
}
