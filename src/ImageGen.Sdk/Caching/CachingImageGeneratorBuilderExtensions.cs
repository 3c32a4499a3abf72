using ImageGen.Sdk.Caching;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="CachingImageGenerator"/> to a pipeline.</summary>
public static class CachingImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds the cache layer; place it right after validation so a hit spends no permit, retry or key quota. When the
    /// cache's backend is <see cref="ImageCacheBackend.None"/> no layer is added.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="cache">The cache; when <see langword="null"/> the <see cref="ImageCache"/> registered in the services is used.</param>
    /// <param name="catalog">The configured providers (to key requests by resolved provider and model), used when the pipeline below answers none through <see cref="IImageGenerator.GetService"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">At build time: no cache was given and none is registered.</exception>
    public static ImageGeneratorBuilder UseCaching(this ImageGeneratorBuilder builder, ImageCache? cache = null, IImageProviderCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) =>
        {
            ImageCache resolved = cache ?? (ImageCache?)services.GetService(typeof(ImageCache)) ?? throw new InvalidOperationException(
                "UseCaching() found no ImageCache: pass one (new ImageCache(new MemoryImageCacheStore())) or call services.AddImageGeneration().");
            return resolved.IsEnabled
                ? new CachingImageGenerator(inner, resolved, catalog)
                : inner;
        });
    }

    /// <summary>
    /// Adds the cache layer over a cache built from <paramref name="options"/> (for pipelines composed by hand): an
    /// in-memory store for <see cref="ImageCacheBackend.Memory"/>, a <see cref="FileSystemImageCacheStore"/> over
    /// <see cref="ImageCacheOptions.GetEffectiveDirectory"/> for <see cref="ImageCacheBackend.FileSystem"/>, and no
    /// layer for <see cref="ImageCacheBackend.None"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options. <see cref="ImageCacheBackend.Distributed"/> needs an <c>IDistributedCache</c>: pass an <see cref="ImageCache"/> over a <see cref="DistributedImageCacheStore"/> to the other overload instead.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="ImageCacheOptions.Backend"/> is <see cref="ImageCacheBackend.Distributed"/> (or not a defined value), or the options are invalid.</exception>
    public static ImageGeneratorBuilder UseCaching(this ImageGeneratorBuilder builder, ImageCacheOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        IImageCacheStore store = options.Backend switch
        {
            ImageCacheBackend.Memory => new MemoryImageCacheStore(options.GetEffectiveMaxSizeBytes(), timeProvider),
            ImageCacheBackend.FileSystem => new FileSystemImageCacheStore(options.GetEffectiveDirectory(), options.GetEffectiveMaxSizeBytes(), timeProvider),
            ImageCacheBackend.None => NullImageCacheStore.Instance,
            ImageCacheBackend.Distributed => throw new ArgumentException(
                "ImageCacheOptions.Backend is Distributed, which needs an IDistributedCache: pass new ImageCache(new DistributedImageCacheStore(cache, keyPrefix: options.KeyPrefix), options) to UseCaching(cache) instead.",
                nameof(options)),
            _ => throw new ArgumentException($"ImageCacheOptions.Backend '{options.Backend}' is not a known backend.", nameof(options)),
        };
        return builder.UseCaching(new ImageCache(store, options, timeProvider));
    }
}
