using System.Buffers.Binary;
using System.Numerics;

namespace ImageGen.Sdk.Caching;

/// <summary>
/// Remembers the SHA-256 of recently seen canonical forms, so a repeated request (the cache hit) costs a cheap
/// in-process hash and one byte comparison instead of a SHA-256 call, whose fixed per-call cost through the platform
/// crypto library is most of a memory hit.
/// </summary>
/// <remarks>
/// Exact: a slot answers only when its stored canonical bytes equal the new ones byte for byte, so a key is always the
/// SHA-256 of the canonical form, identical across processes and machines. Direct-mapped and lock-free: each slot is
/// an immutable object replaced whole; two hot requests sharing a slot only cost each other a SHA-256. Bounded:
/// <see cref="SlotCount"/> slots of at most <see cref="MaxCanonicalBytes"/> each (at most 512 KiB), and longer forms
/// are not remembered. The canonical bytes hold the prompt, in process memory only, as the request itself does.
/// </remarks>
internal sealed class ImageCacheKeyMemo
{
    /// <summary>The number of slots (a power of two).</summary>
    internal const int SlotCount = 512;

    /// <summary>The longest canonical form remembered (a prompt of roughly 900 ASCII characters).</summary>
    internal const int MaxCanonicalBytes = 1024;

    private const ulong Prime1 = 0x9E3779B185EBCA87UL;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4FUL;

    private readonly Slot?[] _slots = new Slot?[SlotCount];

    // The fingerprint last offered to each slot, for admission on a second sighting.
    private readonly ulong[] _seen = new ulong[SlotCount];

    // Per process: the slot index is only an in-process hint, never part of a key.
    private readonly ulong _seed = (ulong)Random.Shared.NextInt64();

    /// <summary>Looks a canonical form up.</summary>
    /// <param name="canonical">The canonical form.</param>
    /// <param name="fingerprint">Its in-process fingerprint, to pass to <see cref="Add"/> on a miss.</param>
    /// <param name="key">The remembered key.</param>
    /// <returns><see langword="true"/> when the form was remembered.</returns>
    public bool TryGet(ReadOnlySpan<byte> canonical, out ulong fingerprint, out ImageCacheKey key)
    {
        key = default;
        if (canonical.Length > MaxCanonicalBytes)
        {
            fingerprint = 0;
            return false;
        }

        fingerprint = Fingerprint(canonical, _seed);
        Slot? slot = Volatile.Read(ref _slots[(int)(fingerprint & (SlotCount - 1))]);
        if (slot is not null && slot.Fingerprint == fingerprint && canonical.SequenceEqual(slot.Canonical))
        {
            key = slot.Key;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Remembers the key of a canonical form the second time in a row it is offered for its slot (forms longer than
    /// <see cref="MaxCanonicalBytes"/> are never kept).
    /// </summary>
    /// <param name="canonical">The canonical form.</param>
    /// <param name="fingerprint">The fingerprint <see cref="TryGet"/> gave.</param>
    /// <param name="key">The SHA-256 key of the form.</param>
    public void Add(ReadOnlySpan<byte> canonical, ulong fingerprint, ImageCacheKey key)
    {
        if (canonical.Length > MaxCanonicalBytes)
        {
            return;
        }

        // Admitted on its second sighting in a row at its slot: a form seen once (most misses, or a stream of
        // distinct requests cycling through more forms than there are slots) costs no allocation and evicts nothing.
        int index = (int)(fingerprint & (SlotCount - 1));
        if (Volatile.Read(ref _seen[index]) != fingerprint)
        {
            Volatile.Write(ref _seen[index], fingerprint);
            return;
        }

        Volatile.Write(ref _slots[index], new Slot(canonical.ToArray(), fingerprint, key));
    }

    /// <summary>A fast, seeded, non-cryptographic 64-bit hash: four independent lanes over 32-byte strides.</summary>
    private static ulong Fingerprint(ReadOnlySpan<byte> data, ulong seed)
    {
        ulong h0 = seed ^ Prime1;
        ulong h1 = seed ^ Prime2;
        ulong h2 = seed + Prime1;
        ulong h3 = seed - Prime2;
        int i = 0;
        for (; i + 32 <= data.Length; i += 32)
        {
            h0 = Round(h0, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
            h1 = Round(h1, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 8)..]));
            h2 = Round(h2, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 16)..]));
            h3 = Round(h3, BinaryPrimitives.ReadUInt64LittleEndian(data[(i + 24)..]));
        }

        for (; i + 8 <= data.Length; i += 8)
        {
            h0 = Round(h0, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        }

        ulong tail = 0;
        for (int shift = 0; i < data.Length; i++, shift += 8)
        {
            tail |= (ulong)data[i] << shift;
        }

        h1 = Round(h1, tail);
        ulong h = BitOperations.RotateLeft(h0, 1) + BitOperations.RotateLeft(h1, 7) + BitOperations.RotateLeft(h2, 12) + BitOperations.RotateLeft(h3, 18);
        h ^= (ulong)data.Length * Prime1;

        // Final avalanche (MurmurHash3's fmix64), so the low bits that pick the slot depend on every input bit.
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;

        static ulong Round(ulong acc, ulong value) => BitOperations.RotateLeft(acc + (value * Prime2), 31) * Prime1;
    }

    private sealed class Slot(byte[] canonical, ulong fingerprint, ImageCacheKey key)
    {
        public byte[] Canonical { get; } = canonical;

        public ulong Fingerprint { get; } = fingerprint;

        public ImageCacheKey Key { get; } = key;
    }
}
