namespace ImageGen.Sdk.Caching;

/// <summary>
/// Where cached results are kept. Implementations are thread-safe; they may throw on infrastructure failures (the
/// cache layer logs those and carries on without the cache) but return <see langword="null"/> for missing,
/// expired-beyond-retention or corrupted entries.
/// </summary>
public interface IImageCacheStore
{
    /// <summary>Reads an entry.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The entry, or <see langword="null"/> when there is none (or it was past <see cref="ImageCacheEntry.RetainUntil"/> or unreadable).</returns>
    ValueTask<ImageCacheEntry?> GetAsync(ImageCacheKey key, CancellationToken cancellationToken = default);

    /// <summary>Writes an entry, replacing any entry under the same key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the entry is written.</returns>
    ValueTask SetAsync(ImageCacheKey key, ImageCacheEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Removes an entry.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns><see langword="true"/> when an entry was removed (always <see langword="true"/> for stores that cannot tell).</returns>
    ValueTask<bool> RemoveAsync(ImageCacheKey key, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry produced by a provider and model.</summary>
    /// <param name="provider">The provider, or <see langword="null"/> for any (names ignore case).</param>
    /// <param name="model">The model, or <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when matching entries can no longer be read.</returns>
    ValueTask InvalidateAsync(string? provider, string? model, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry.</summary>
    /// <param name="cancellationToken">Cancels the removal.</param>
    /// <returns>A task that completes when the store is empty.</returns>
    ValueTask ClearAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets the store's own figures: entries, bytes, evictions.</summary>
    /// <returns>The figures.</returns>
    ImageCacheStoreStatistics GetStatistics();
}
