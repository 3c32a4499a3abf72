namespace ImageGen.Sdk.Caching;

/// <summary>What a store knows about itself.</summary>
public sealed class ImageCacheStoreStatistics
{
    /// <summary>Gets the number of entries, or <see langword="null"/> when the store cannot count them (distributed).</summary>
    public long? Entries { get; init; }

    /// <summary>Gets the bytes stored, or <see langword="null"/> when the store cannot tell (distributed).</summary>
    public long? Bytes { get; init; }

    /// <summary>Gets the entries evicted for size or age since the store was created.</summary>
    public long Evictions { get; init; }
}
