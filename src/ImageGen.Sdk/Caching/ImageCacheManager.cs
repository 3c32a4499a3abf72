namespace ImageGen.Sdk.Caching;

/// <summary>
/// The <see cref="IImageCache"/> of a pipeline: figures, clearing and invalidation go to the cache of the pipeline's
/// <see cref="CachingImageGenerator"/>; removing a request computes its key as that layer does (with the catalog it
/// found); warming sends requests through the whole pipeline, so they are validated and routed like any call.
/// </summary>
/// <remarks>
/// The layer is looked up through <see cref="IImageGenerator.GetService"/> when first needed, not handed over by the
/// layer: the cache holds no reference back to a generator, and the container builds this after the pipeline.
/// </remarks>
internal sealed class ImageCacheManager : IImageCache
{
    private readonly IImageGenerator _pipeline;
    private readonly ImageCache? _cache;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="pipeline">The outermost generator of the pipeline the cache sits in.</param>
    /// <param name="cache">The cache to report on when the pipeline has no caching layer (the backend is <c>None</c>).</param>
    public ImageCacheManager(IImageGenerator pipeline, ImageCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _cache = cache;
    }

    private CachingImageGenerator? Layer => field ??= _pipeline.GetService<CachingImageGenerator>();

    private ImageCache Cache => Layer?.Cache ?? _cache ?? throw NoLayer();

    /// <inheritdoc />
    public ImageCacheStatistics GetStatistics() => Cache.GetStatistics();

    /// <inheritdoc />
    public Task ClearAsync(CancellationToken cancellationToken = default) => Cache.ClearAsync(cancellationToken);

    /// <inheritdoc />
    public Task InvalidateAsync(string? provider, string? model, CancellationToken cancellationToken = default)
        => Cache.InvalidateAsync(provider, model, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ImageCacheKey key = Cache.ComputeKey(request, Catalog());
        return await Cache.Store.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ImageCacheWarmSummary> WarmAsync(IEnumerable<ImageGenerationRequest> requests, int maxDegreeOfParallelism = 4, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDegreeOfParallelism, 64);
        ImageCache cache = Cache;
        if (!cache.IsEnabled || Layer is null)
        {
            throw cache.IsEnabled ? NoLayer() : new InvalidOperationException("Caching is disabled (ImageGeneration:Cache:Backend is None); there is nothing to warm.");
        }

        IImageProviderCatalog? catalog = Catalog();
        int cached = 0;
        int generated = 0;
        int failed = 0;
        int skipped = 0;
        ParallelOptions parallel = new() { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(requests, parallel, async (request, token) =>
        {
            ArgumentNullException.ThrowIfNull(request);
            if (request.Count > 1 && !cache.Options.CacheMultipleImages)
            {
                // It would be generated and not stored: money spent for nothing.
                Interlocked.Increment(ref skipped);
                return;
            }

            try
            {
                ImageGenerationResult result = await _pipeline.GenerateAsync(
                    request.Cache == CacheMode.Default ? request : request with { Cache = CacheMode.Default }, token).ConfigureAwait(false);
                Interlocked.Increment(ref result.FromCache ? ref cached : ref generated);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                Interlocked.Increment(ref failed);
                string kind = ex is ImageGenerationException generationException ? generationException.Kind.ToString() : ex.GetType().Name;
                ImageCacheLog.WarmFailed(cache.Logger, TryComputeKey(cache, request, catalog), kind, ex);
            }
        }).ConfigureAwait(false);
        return new ImageCacheWarmSummary(cached, generated, failed, skipped);
    }

    private static ImageCacheKey TryComputeKey(ImageCache cache, ImageGenerationRequest request, IImageProviderCatalog? catalog)
    {
        try
        {
            return cache.ComputeKey(request, catalog);
        }
        catch (ArgumentException)
        {
            return default;
        }
    }

    internal static InvalidOperationException NoLayer()
        => new("This pipeline has no caching layer: add one with UseCaching(...) before managing its cache.");

    /// <summary>The catalog the layer keys by, else whatever the pipeline answers.</summary>
    private IImageProviderCatalog? Catalog() => Layer is { } layer ? layer.Catalog : _pipeline.GetService<IImageProviderCatalog>();
}
