namespace ImageGen.Sdk.Caching;

/// <summary>
/// Serves repeated requests from an <see cref="ImageCache"/> and makes identical requests in flight share one
/// upstream call. Sits outermost after validation, so a hit spends no rate-limit permit, retry or key quota.
/// </summary>
/// <remarks>
/// Only successes are stored (never errors, stale or cached results). <see cref="CacheMode.Bypass"/> skips read and
/// write; <see cref="CacheMode.Refresh"/> skips the read and overwrites. Requests for more than one image pass
/// through untouched unless <see cref="ImageCacheOptions.CacheMultipleImages"/> is set. A store failure never fails
/// a request: it is logged and the request goes to the provider.
/// </remarks>
public sealed class CachingImageGenerator : DelegatingImageGenerator
{
    private readonly ImageCache _cache;
    private readonly IImageProviderCatalog? _catalog;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator misses go to.</param>
    /// <param name="cache">The cache.</param>
    /// <param name="catalog">
    /// The configured providers, used only when the pipeline below answers no <see cref="IImageProviderCatalog"/> through
    /// <see cref="IImageGenerator.GetService"/> (the provider routing layer answers it). With a catalog requests are
    /// keyed by the provider and model they resolve to; without one, by the request's own provider and model.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="cache"/> is <see langword="null"/>.</exception>
    public CachingImageGenerator(IImageGenerator innerGenerator, ImageCache cache, IImageProviderCatalog? catalog = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _catalog = innerGenerator.GetService<IImageProviderCatalog>() ?? catalog;
    }

    /// <summary>Gets the cache this layer serves from.</summary>
    internal ImageCache Cache => _cache;

    /// <summary>Gets the catalog requests are keyed by, or <see langword="null"/>.</summary>
    internal IImageProviderCatalog? Catalog => _catalog;

    /// <summary>Answers with the cache for <see cref="ImageCache"/>; otherwise as every layer does.</summary>
    /// <inheritdoc />
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(ImageCache) ? _cache : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_cache.IsEnabled || request.Cache == CacheMode.Bypass || (request.Count > 1 && !_cache.Options.CacheMultipleImages))
        {
            return InnerGenerator.GenerateAsync(request, cancellationToken);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ImageGenerationResult>(cancellationToken);
        }

        long started = _cache.TimeProvider.GetTimestamp();
        ImageCacheKey key = _cache.ComputeKey(request, _catalog, out string provider);
        if (request.Cache == CacheMode.Refresh)
        {
            return _cache.GenerateAsync(InnerGenerator, request, key, provider, stale: null, started, cancellationToken);
        }

        // The memory store answers synchronously: serve the hit without an async state machine.
        ValueTask<ImageCacheEntry?> read = _cache.GetAsync(key, cancellationToken);
        return read.IsCompletedSuccessfully
            ? Resolve(request, key, provider, read.Result, started, cancellationToken)
            : ReadThenResolveAsync(request, key, provider, read, started, cancellationToken);
    }

    private Task<ImageGenerationResult> Resolve(ImageGenerationRequest request, ImageCacheKey key, string provider, ImageCacheEntry? entry, long started, CancellationToken cancellationToken)
    {
        ImageCacheEntry? stale = null;
        if (entry is not null)
        {
            DateTimeOffset now = _cache.TimeProvider.GetUtcNow();
            if (now < entry.ExpiresAt)
            {
                return Task.FromResult(_cache.Hit(key, entry, started));
            }

            stale = ImageCacheStaleIfError.CanServe(entry, _cache.Options, now) ? entry : null;
        }

        return _cache.GenerateAsync(InnerGenerator, request, key, provider, stale, started, cancellationToken);
    }

    private async Task<ImageGenerationResult> ReadThenResolveAsync(
        ImageGenerationRequest request, ImageCacheKey key, string provider, ValueTask<ImageCacheEntry?> read, long started, CancellationToken cancellationToken)
    {
        ImageCacheEntry? entry = await read.ConfigureAwait(false);
        return await Resolve(request, key, provider, entry, started, cancellationToken).ConfigureAwait(false);
    }
}
