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
    /// <param name="catalog">The configured providers (to key requests by resolved provider and model); when <see langword="null"/> one is taken from the services, if registered.</param>
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
                ? new CachingImageGenerator(inner, resolved, catalog ?? (IImageProviderCatalog?)services.GetService(typeof(IImageProviderCatalog)))
                : inner;
        });
    }

    /// <summary>Adds the cache layer over an in-memory cache with the given options (for pipelines composed by hand).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options; only <see cref="ImageCacheBackend.Memory"/> and <see cref="ImageCacheBackend.None"/> make sense here.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static ImageGeneratorBuilder UseCaching(this ImageGeneratorBuilder builder, ImageCacheOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.UseCaching(new ImageCache(new MemoryImageCacheStore(options.GetEffectiveMaxSizeBytes(), timeProvider), options, timeProvider));
    }
}
