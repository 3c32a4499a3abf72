namespace ImageGen.Sdk;

/// <summary>A snapshot of the cache's figures since start-up.</summary>
public sealed class ImageCacheStatistics
{
    /// <summary>Gets the requests served fresh from the cache.</summary>
    public long Hits { get; init; }

    /// <summary>Gets the requests the cache could not serve fresh (each went to the provider or joined a call in flight).</summary>
    public long Misses { get; init; }

    /// <summary>Gets the expired entries served because the provider failed.</summary>
    public long StaleHits { get; init; }

    /// <summary>Gets the requests that waited for an identical call already in flight instead of calling the provider.</summary>
    public long CoalescedWaits { get; init; }

    /// <summary>Gets the entries evicted for size or age.</summary>
    public long Evictions { get; init; }

    /// <summary>Gets the store failures (disk full, cache server down) that were bypassed.</summary>
    public long StoreFailures { get; init; }

    /// <summary>Gets the number of entries, or <see langword="null"/> when the backend cannot count them.</summary>
    public long? Entries { get; init; }

    /// <summary>Gets the bytes stored, or <see langword="null"/> when the backend cannot tell.</summary>
    public long? Bytes { get; init; }

    /// <summary>Gets <see cref="Hits"/> / (<see cref="Hits"/> + <see cref="Misses"/>), 0 before the first request.</summary>
    public double HitRate { get; init; }

    /// <summary>Gets the estimated provider cost the hits (fresh and stale) saved, in US dollars.</summary>
    public decimal EstimatedCostSavedUsd { get; init; }
}
