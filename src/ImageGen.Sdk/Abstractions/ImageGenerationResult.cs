namespace ImageGen.Sdk;

/// <summary>The outcome of a generation: the images and how they were obtained (provider, cache, attempts, cost).</summary>
public sealed class ImageGenerationResult
{
    /// <summary>Initializes a new result.</summary>
    /// <param name="images">The images.</param>
    /// <param name="provider">The name of the provider that produced the images.</param>
    /// <param name="model">The model that produced the images.</param>
    /// <exception cref="ArgumentNullException"><paramref name="images"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="provider"/> or <paramref name="model"/> is blank.</exception>
    public ImageGenerationResult(IReadOnlyList<GeneratedImage> images, string provider, string model)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        Images = images;
        Provider = provider;
        Model = model;
    }

    /// <summary>Gets the generated images.</summary>
    public IReadOnlyList<GeneratedImage> Images { get; init; }

    /// <summary>Gets the name of the provider that produced the images (after any fallback).</summary>
    public string Provider { get; init; }

    /// <summary>Gets the model that produced the images.</summary>
    public string Model { get; init; }

    /// <summary>Gets a value indicating whether the result was served from the cache.</summary>
    public bool FromCache { get; init; }

    /// <summary>Gets a value indicating whether the result is an expired cache entry served because the provider failed.</summary>
    public bool IsStale { get; init; }

    /// <summary>Gets the number of provider attempts made (0 for a cache hit).</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>Gets the token usage the provider reported, when it reports any.</summary>
    public ImageUsage? Usage { get; init; }

    /// <summary>Gets the estimated cost in US dollars (for a cache hit: the cost the hit saved).</summary>
    public decimal? EstimatedCostUsd { get; init; }

    /// <summary>
    /// Gets a value indicating whether <see cref="EstimatedCostUsd"/> was computed from the price table for the
    /// request's own model, size, quality and count (the provider reported no usage to price), rather than from the
    /// token usage the provider returned. A request with <c>auto</c> quality is then priced at the dearest quality.
    /// </summary>
    /// <value><see langword="false"/> when the cost comes from reported usage, is unknown, or the result is a cache hit.</value>
    public bool IsCostEstimated { get; init; }

    /// <summary>Gets the provider's request id (for support tickets), when it sent one.</summary>
    public string? ProviderRequestId { get; init; }

    /// <summary>Gets the wall time the call took.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Gets notes about the result: adapted sizes after fallback, stale cache entries, and similar.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Gets the rate-limit state the provider reported for the key that made the call, when it reports any.</summary>
    public ProviderRateLimitInfo? RateLimit { get; init; }

    /// <summary>Initializes a copy of <paramref name="source"/>; combine with an object initializer to change some properties.</summary>
    /// <param name="source">The result to copy.</param>
    /// <remarks>
    /// Layers annotate a result (attempts, warnings, cache flags) by copying it, because a result may be shared
    /// between coalesced callers and cache hits: <c>new ImageGenerationResult(result) { Attempts = 3 }</c>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is <see langword="null"/>.</exception>
    public ImageGenerationResult(ImageGenerationResult source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Images = source.Images;
        Provider = source.Provider;
        Model = source.Model;
        FromCache = source.FromCache;
        IsStale = source.IsStale;
        Attempts = source.Attempts;
        Usage = source.Usage;
        EstimatedCostUsd = source.EstimatedCostUsd;
        IsCostEstimated = source.IsCostEstimated;
        ProviderRequestId = source.ProviderRequestId;
        Elapsed = source.Elapsed;
        Warnings = source.Warnings;
        RateLimit = source.RateLimit;
    }
}
