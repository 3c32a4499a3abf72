using System.Buffers;

namespace ImageGen.Sdk.Providers;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>. Response bodies and decoded images are
/// assembled here so the only lasting allocation is the exact-size array handed to the caller.
/// </summary>
internal sealed class PooledByteBuffer : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public PooledByteBuffer(int initialCapacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
    }

    /// <summary>Gets the number of bytes written.</summary>
    public int Length => _length;

    /// <summary>Gets the bytes written so far.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Gets a span of at least <paramref name="sizeHint"/> free bytes to write into.</summary>
    public Span<byte> GetSpan(int sizeHint)
    {
        EnsureCapacity(sizeHint);
        return _buffer.AsSpan(_length);
    }

    /// <summary>Marks <paramref name="count"/> bytes of the span from <see cref="GetSpan"/> as written.</summary>
    public void Advance(int count) => _length += count;

    /// <summary>Appends one byte.</summary>
    public void Append(byte value)
    {
        if (_length == _buffer.Length)
        {
            EnsureCapacity(1);
        }

        _buffer[_length++] = value;
    }

    /// <summary>Appends bytes.</summary>
    public void Append(ReadOnlySpan<byte> values)
    {
        EnsureCapacity(values.Length);
        values.CopyTo(_buffer.AsSpan(_length));
        _length += values.Length;
    }

    /// <summary>Copies the written bytes into a new array of exactly <see cref="Length"/> bytes.</summary>
    /// <remarks>The array is allocated uninitialised: every byte is overwritten at once, so zeroing megabytes first would be wasted work.</remarks>
    public byte[] ToArray()
    {
        byte[] result = GC.AllocateUninitializedArray<byte>(_length);
        WrittenSpan.CopyTo(result);
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        byte[] buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void EnsureCapacity(int additional)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        if (_buffer.Length - _length >= additional)
        {
            return;
        }

        long needed = (long)_length + additional;
        long doubled = Math.Max((long)_buffer.Length * 2, needed);
        int newSize = (int)Math.Min(doubled, Array.MaxLength);
        if (newSize < needed)
        {
            throw new InvalidDataException("The response is too large to buffer.");
        }

        byte[] next = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, _length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }
}
