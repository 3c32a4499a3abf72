using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace ImageGen.Sdk.Caching;

/// <summary>
/// The 32-byte cache key of a request: a versioned SHA-256 over the canonical form of everything that changes the
/// output. It never contains the prompt or a key; <see cref="ToString"/> gives a short hash for logs.
/// </summary>
public readonly struct ImageCacheKey : IEquatable<ImageCacheKey>
{
    /// <summary>The length of a key in bytes.</summary>
    public const int SizeInBytes = 32;

    private readonly ulong _a;
    private readonly ulong _b;
    private readonly ulong _c;
    private readonly ulong _d;

    /// <summary>Initializes a key from its 32 bytes.</summary>
    /// <param name="bytes">The key bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="bytes"/> is not 32 bytes long.</exception>
    public ImageCacheKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != SizeInBytes)
        {
            throw new ArgumentException($"A cache key is {SizeInBytes} bytes long.", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>Gets the first 12 hex digits of the key, enough to correlate log lines.</summary>
    public string ShortHash => _a.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)[..12];

    /// <summary>Compares two keys.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    public static bool operator ==(ImageCacheKey left, ImageCacheKey right) => left.Equals(right);

    /// <summary>Compares two keys.</summary>
    /// <param name="left">The first key.</param>
    /// <param name="right">The second key.</param>
    public static bool operator !=(ImageCacheKey left, ImageCacheKey right) => !left.Equals(right);

    /// <summary>Parses the 64 hex digits written by <see cref="ToHexString"/>.</summary>
    /// <param name="hex">The hex digits.</param>
    /// <param name="key">The key when parsing succeeded.</param>
    /// <returns><see langword="true"/> when <paramref name="hex"/> is a key.</returns>
    public static bool TryParse([NotNullWhen(true)] string? hex, out ImageCacheKey key)
    {
        key = default;
        if (hex is not { Length: SizeInBytes * 2 })
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[SizeInBytes];
        if (Convert.FromHexString(hex, bytes, out _, out int written) != System.Buffers.OperationStatus.Done || written != SizeInBytes)
        {
            return false;
        }

        key = new ImageCacheKey(bytes);
        return true;
    }

    /// <summary>Writes the 32 key bytes.</summary>
    /// <param name="destination">At least 32 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < SizeInBytes)
        {
            throw new ArgumentException($"The destination must hold {SizeInBytes} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>Gets the key as 64 lower-case hex digits (file names, distributed cache keys).</summary>
    /// <returns>The hex digits.</returns>
    public string ToHexString()
    {
        Span<byte> bytes = stackalloc byte[SizeInBytes];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <inheritdoc />
    public bool Equals(ImageCacheKey other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    /// <inheritdoc />
    public override bool Equals([NotNullWhen(true)] object? obj) => obj is ImageCacheKey other && Equals(other);

    /// <inheritdoc />
    // The bytes are a SHA-256 digest, so any 32 of them are already uniformly distributed.
    public override int GetHashCode() => (int)_a;

    /// <summary>Returns <see cref="ShortHash"/>: a key in a log line never carries more.</summary>
    /// <returns>The short hash.</returns>
    public override string ToString() => ShortHash;
}
