using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;

namespace ImageGen.Sdk.Caching;

/// <summary>
/// Keeps entries in process memory (<see cref="MemoryCache"/> with a byte <c>SizeLimit</c>). A hit returns the
/// stored entry itself: the image bytes are never copied.
/// </summary>
public sealed class MemoryImageCacheStore : IImageCacheStore, IDisposable
{
    // Per-entry bookkeeping (the entry, its image objects and the cache's own node) counted against the limit.
    private const long EntryOverheadBytes = 512;

    private readonly MemoryCache _cache;
    private readonly PostEvictionDelegate _onEvicted;
    private long _bytes;
    private long _evictions;

    /// <summary>Initializes a new store.</summary>
    /// <param name="maxSizeBytes">The most bytes kept; least recently used entries are compacted away beyond it.</param>
    /// <param name="timeProvider">The clock for expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSizeBytes"/> is not positive.</exception>
    public MemoryImageCacheStore(long maxSizeBytes = ImageCacheOptions.DefaultMemoryMaxSizeBytes, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSizeBytes);
        _cache = new MemoryCache(new MemoryCacheOptions
        {
            SizeLimit = maxSizeBytes,
            Clock = new TimeProviderClock(timeProvider ?? TimeProvider.System),
        });
        _onEvicted = OnEvicted;
    }

    /// <inheritdoc />
    public ValueTask<ImageCacheEntry?> GetAsync(ImageCacheKey key, CancellationToken cancellationToken = default)
        => new(_cache.TryGetValue(key, out object? value) ? (ImageCacheEntry?)value : null);

    /// <inheritdoc />
    public ValueTask SetAsync(ImageCacheKey key, ImageCacheEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        long size = entry.SizeBytes + EntryOverheadBytes;

        // Counted before the commit: the eviction callback subtracts it again for every way out, including an entry
        // the cache refuses because it would exceed the limit.
        Interlocked.Add(ref _bytes, size);
        using (ICacheEntry cacheEntry = _cache.CreateEntry(key))
        {
            cacheEntry.Value = entry;
            cacheEntry.Size = size;
            cacheEntry.AbsoluteExpiration = entry.RetainUntil;
            cacheEntry.RegisterPostEvictionCallback(_onEvicted);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<bool> RemoveAsync(ImageCacheKey key, CancellationToken cancellationToken = default)
    {
        bool existed = _cache.TryGetValue(key, out _);
        _cache.Remove(key);
        return new ValueTask<bool>(existed);
    }

    /// <inheritdoc />
    public ValueTask InvalidateAsync(string? provider, string? model, CancellationToken cancellationToken = default)
    {
        foreach (object key in _cache.Keys)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_cache.TryGetValue(key, out object? value) && value is ImageCacheEntry entry && entry.Matches(provider, model))
            {
                _cache.Remove(key);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        _cache.Clear();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ImageCacheStoreStatistics GetStatistics() => new()
    {
        Entries = _cache.Count,
        Bytes = Math.Max(0, Interlocked.Read(ref _bytes)),
        Evictions = Interlocked.Read(ref _evictions),
    };

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();

    private void OnEvicted(object key, object? value, EvictionReason reason, object? state)
    {
        if (value is not ImageCacheEntry entry)
        {
            return;
        }

        Interlocked.Add(ref _bytes, -(entry.SizeBytes + EntryOverheadBytes));
        if (reason is EvictionReason.Capacity or EvictionReason.Expired)
        {
            Interlocked.Increment(ref _evictions);
        }
    }

    private sealed class TimeProviderClock(TimeProvider timeProvider) : ISystemClock
    {
        public DateTimeOffset UtcNow => timeProvider.GetUtcNow();
    }
}
