using ImageGen.Sdk.Caching;

namespace ImageGen.Sdk;

/// <summary>Manages the cache of a pipeline composed by hand.</summary>
public static class ImageCachePipelineExtensions
{
    /// <summary>
    /// Gets the <see cref="IImageCache"/> of the pipeline: figures, clearing, invalidation and removal of the cache its
    /// <see cref="CachingImageGenerator"/> serves from, and warming through <paramref name="pipeline"/> itself, so warmed
    /// requests are validated and routed like any call. Under <c>AddImageGeneration()</c> inject <see cref="IImageCache"/> instead.
    /// </summary>
    /// <param name="pipeline">The outermost generator of the pipeline (what <see cref="ImageGeneratorBuilder.Build"/> returned).</param>
    /// <returns>The cache manager.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The pipeline has no caching layer.</exception>
    public static IImageCache GetImageCache(this IImageGenerator pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (pipeline.GetService<CachingImageGenerator>() is null)
        {
            throw ImageCacheManager.NoLayer();
        }

        return new ImageCacheManager(pipeline);
    }
}
