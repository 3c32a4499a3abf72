namespace ImageGen.Sdk.Caching;

/// <summary>The store behind <see cref="ImageCacheBackend.None"/>: keeps nothing.</summary>
internal sealed class NullImageCacheStore : IImageCacheStore
{
    public static readonly NullImageCacheStore Instance = new();

    public ValueTask<ImageCacheEntry?> GetAsync(ImageCacheKey key, CancellationToken cancellationToken = default) => default;

    public ValueTask SetAsync(ImageCacheKey key, ImageCacheEntry entry, CancellationToken cancellationToken = default) => default;

    public ValueTask<bool> RemoveAsync(ImageCacheKey key, CancellationToken cancellationToken = default) => new(false);

    public ValueTask InvalidateAsync(string? provider, string? model, CancellationToken cancellationToken = default) => default;

    public ValueTask ClearAsync(CancellationToken cancellationToken = default) => default;

    public ImageCacheStoreStatistics GetStatistics() => new() { Entries = 0, Bytes = 0 };
}
