namespace ImageGen.Sdk.Tests.Providers.OpenAI;

/// <summary>
/// A read-only stream that hands out its bytes a few at a time (sizes cycle through <c>chunkSizes</c>) and can fail
/// after a given offset, to exercise chunk boundaries and cut-off connections.
/// </summary>
public sealed class TrickleStream : Stream
{
    private readonly byte[] _data;
    private readonly int[] _chunkSizes;
    private readonly long? _failAfter;
    private int _position;
    private int _call;

    public TrickleStream(byte[] data, int[] chunkSizes, long? failAfter = null)
    {
        _data = data;
        _chunkSizes = chunkSizes;
        _failAfter = failAfter;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_failAfter is { } limit && _position >= limit)
        {
            throw new IOException("The response ended prematurely (simulated connection reset).");
        }

        int size = Math.Min(Math.Min(buffer.Length, _chunkSizes[_call++ % _chunkSizes.Length]), _data.Length - _position);
        _data.AsSpan(_position, size).CopyTo(buffer);
        _position += size;
        return size;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Read(buffer.Span));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
