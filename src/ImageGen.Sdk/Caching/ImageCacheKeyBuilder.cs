using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ImageGen.Sdk.Caching;

/// <summary>
/// Computes <see cref="ImageCacheKey"/>s. The canonical form is a tagged, length-prefixed binary record written into a
/// stack or pooled buffer and hashed with SHA-256 through a reused per-thread <see cref="IncrementalHash"/>, so a key
/// costs no allocation on the common path.
/// </summary>
/// <remarks>
/// The form is identical across processes and machines (UTF-8, big-endian, invariant). Bump <see cref="Version"/>
/// whenever it changes, so old entries become misses instead of wrong hits.
/// </remarks>
internal static class ImageCacheKeyBuilder
{
    /// <summary>The version of the canonical form.</summary>
    public const byte Version = 1;

    private const int StackLimit = 2048;
    private const byte Null = 0;
    private const byte Present = 1;

    // Every char for which char.IsWhiteSpace is true, except the plain space: one vectorised search finds them all.
    private static readonly SearchValues<char> OtherWhiteSpace = SearchValues.Create(
        "\t\n\v\f\r\u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000");

    [ThreadStatic]
    private static IncrementalHash? _hasher;

    /// <summary>Computes the key of a request routed to <paramref name="provider"/> and <paramref name="model"/>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="provider">The provider it routes to (compared ignoring case).</param>
    /// <param name="model">The model it resolves to (the provider's default model when the request names none).</param>
    /// <param name="keyPrefix">An optional prefix separating applications or tenants.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ImageCacheKey Compute(ImageGenerationRequest request, string provider, string model, string? keyPrefix = null)
        => Compute(request, provider, model, keyPrefix, memo: null);

    /// <summary>Computes a key, answering repeated canonical forms from <paramref name="memo"/> instead of hashing them again.</summary>
    internal static ImageCacheKey Compute(ImageGenerationRequest request, string provider, string model, string? keyPrefix, ImageCacheKeyMemo? memo)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(model);

        int max = 64
            + MaxString(keyPrefix) + MaxString(provider) + MaxString(model) + MaxString(request.Prompt)
            + MaxString(request.AspectRatio) + MaxString(request.Quality?.Value) + MaxString(request.Style?.Value)
            + MaxString(request.OutputFormat?.Value) + MaxString(request.NegativePrompt)
            + (6 * 16) // numbers and tags
            + ((request.InputImages?.Count ?? 0) + 2) * (SHA256.HashSizeInBytes + 1);

        byte[]? rented = null;
        Span<byte> buffer = max <= StackLimit ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int n = 0;
            buffer[n++] = (byte)'I';
            buffer[n++] = (byte)'G';
            buffer[n++] = (byte)'K';
            buffer[n++] = Version;
            n += WriteString(buffer[n..], keyPrefix, lowerCase: false);
            n += WriteString(buffer[n..], provider, lowerCase: true);
            n += WriteString(buffer[n..], model, lowerCase: false);
            n += WritePrompt(buffer[n..], request.Prompt);
            n += WriteString(buffer[n..], string.IsNullOrWhiteSpace(request.NegativePrompt) ? null : request.NegativePrompt, lowerCase: false, normalize: true);
            BinaryPrimitives.WriteInt32BigEndian(buffer[n..], request.Count);
            n += 4;
            if (request.Size is { } size)
            {
                buffer[n++] = Present;
                BinaryPrimitives.WriteInt32BigEndian(buffer[n..], size.Width);
                BinaryPrimitives.WriteInt32BigEndian(buffer[(n + 4)..], size.Height);
                n += 8;
            }
            else
            {
                buffer[n++] = Null;
            }

            n += WriteString(buffer[n..], request.AspectRatio, lowerCase: false);
            n += WriteString(buffer[n..], request.Quality?.Value, lowerCase: true);
            n += WriteString(buffer[n..], request.Style?.Value, lowerCase: true);
            n += WriteString(buffer[n..], request.OutputFormat?.Value, lowerCase: true);
            if (request.Seed is long seed)
            {
                buffer[n++] = Present;
                BinaryPrimitives.WriteInt64BigEndian(buffer[n..], seed);
                n += 8;
            }
            else
            {
                buffer[n++] = Null;
            }

            int images = request.InputImages?.Count ?? 0;
            BinaryPrimitives.WriteInt32BigEndian(buffer[n..], images);
            n += 4;
            for (int i = 0; i < images; i++)
            {
                n += SHA256.HashData(request.InputImages![i].Data.Span, buffer[n..]);
            }

            if (request.Mask is { } mask)
            {
                buffer[n++] = Present;
                n += SHA256.HashData(mask.Data.Span, buffer[n..]);
            }
            else
            {
                buffer[n++] = Null;
            }

            if (request.ProviderOptions is { Count: > 0 } providerOptions)
            {
                buffer[n++] = Present;
                n += HashProviderOptions(providerOptions, buffer[n..]);
            }
            else
            {
                buffer[n++] = Null;
            }

            // A variation of an image and an edit of it with an empty prompt are different requests. Written only for
            // variations, so every other key stays as it was.
            if (request.IsVariation)
            {
                buffer[n++] = (byte)'V';
            }

            ReadOnlySpan<byte> canonical = buffer[..n];
            ulong fingerprint = 0;
            if (memo is not null && memo.TryGet(canonical, out fingerprint, out ImageCacheKey remembered))
            {
                return remembered;
            }

            ImageCacheKey key = Hash(canonical);
            memo?.Add(canonical, fingerprint, key);
            return key;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static ImageCacheKey Hash(ReadOnlySpan<byte> canonical)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        IncrementalHash hasher = _hasher ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        // A reused per-thread context skips creating and freeing a native digest context per key (SHA256.HashData
        // does both on every call and measured slower); append and reset are back to back, so the context never
        // keeps stale input.
        hasher.AppendData(canonical);
        hasher.GetHashAndReset(hash);
        return new ImageCacheKey(hash);
    }

    private static int MaxString(string? value) => 5 + (value is null ? 0 : Encoding.UTF8.GetMaxByteCount(value.Length));

    private static int WriteString(Span<byte> destination, string? value, bool lowerCase, bool normalize = false)
    {
        if (value is null)
        {
            destination[0] = Null;
            return 1;
        }

        destination[0] = Present;
        Span<byte> body = destination[5..];
        int length = normalize ? WriteNormalized(body, value) : Encoding.UTF8.GetBytes(value, body);
        if (lowerCase)
        {
            // Extensible string values and provider names compare ignoring case; ASCII folding covers every known value.
            for (int i = 0; i < length; i++)
            {
                if (body[i] is >= (byte)'A' and <= (byte)'Z')
                {
                    body[i] = (byte)(body[i] | 0x20);
                }
            }
        }

        BinaryPrimitives.WriteInt32BigEndian(destination[1..], length);
        return 5 + length;
    }

    private static int WritePrompt(Span<byte> destination, string prompt)
    {
        destination[0] = Present;
        int length = WriteNormalized(destination[5..], prompt);
        BinaryPrimitives.WriteInt32BigEndian(destination[1..], length);
        return 5 + length;
    }

    /// <summary>Writes <paramref name="text"/> trimmed, with every run of white space collapsed to one space.</summary>
    private static int WriteNormalized(Span<byte> destination, string text)
    {
        ReadOnlySpan<char> chars = text;
        if (IsNormalized(chars))
        {
            // The common case: one vectorised transcoding call.
            return Encoding.UTF8.GetBytes(chars, destination);
        }

        char[]? rented = null;
        Span<char> normalized = chars.Length <= 512 ? stackalloc char[512] : (rented = ArrayPool<char>.Shared.Rent(chars.Length));
        try
        {
            int length = 0;
            bool pendingSpace = false;
            foreach (char c in chars)
            {
                if (char.IsWhiteSpace(c))
                {
                    pendingSpace = length > 0;
                    continue;
                }

                if (pendingSpace)
                {
                    normalized[length++] = ' ';
                    pendingSpace = false;
                }

                normalized[length++] = c;
            }

            return Encoding.UTF8.GetBytes(normalized[..length], destination);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Tells whether text has no leading, trailing, repeated or non-space white space.</summary>
    private static bool IsNormalized(ReadOnlySpan<char> chars)
    {
        if (chars.IsEmpty)
        {
            return true;
        }

        // Vectorised: the common prompt is checked in a few wide compares rather than char by char.
        return chars[0] != ' ' && chars[^1] != ' ' && !chars.ContainsAny(OtherWhiteSpace) && !chars.Contains("  ", StringComparison.Ordinal);
    }

    /// <summary>Hashes provider options sorted by name (rare, so allocating here is fine).</summary>
    private static int HashProviderOptions(IReadOnlyDictionary<string, JsonElement> options, Span<byte> destination)
    {
        using IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (KeyValuePair<string, JsonElement> option in options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            AppendString(hash, option.Key, length);
            AppendString(hash, option.Value.ValueKind == JsonValueKind.Undefined ? string.Empty : option.Value.GetRawText(), length);
        }

        return hash.GetHashAndReset(destination);

        static void AppendString(IncrementalHash hash, string value, Span<byte> length)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(value);
            BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }
    }
}
