namespace ImageGen.Sdk;

/// <summary>
/// Inspects and manages the image cache of <c>AddImageGeneration()</c>: statistics, clearing, removing one request,
/// invalidating a provider or model, and warming popular requests.
/// </summary>
public interface IImageCache
{
    /// <summary>Gets the cache figures since start-up: hits, misses, stale hits, coalesced waits, evictions, size, cost saved.</summary>
    /// <returns>A snapshot.</returns>
    ImageCacheStatistics GetStatistics();

    /// <summary>Removes every entry.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the cache is empty.</returns>
    Task ClearAsync(CancellationToken cancellationToken = default);

    /// <summary>Removes the entry a request would hit.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when an entry was removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    Task<bool> RemoveAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default);

    /// <summary>Removes every entry produced by a provider and/or model (for example after a model upgrade).</summary>
    /// <param name="provider">The provider name, or <see langword="null"/> for any (ignores case).</param>
    /// <param name="model">The model, or <see langword="null"/> for any (ignores case).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when matching entries can no longer be served.</returns>
    Task InvalidateAsync(string? provider, string? model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Generates and caches requests ahead of demand (popular prompts), at most
    /// <paramref name="maxDegreeOfParallelism"/> at a time. Requests already cached cost nothing; failures are counted, not thrown.
    /// </summary>
    /// <param name="requests">The requests.</param>
    /// <param name="maxDegreeOfParallelism">How many requests run at once (1 to 64).</param>
    /// <param name="cancellationToken">Cancels the warming.</param>
    /// <returns>How many requests were already cached, generated, or failed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requests"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxDegreeOfParallelism"/> is outside 1..64.</exception>
    /// <exception cref="InvalidOperationException">Caching is disabled or no generator uses this cache.</exception>
    Task<ImageCacheWarmSummary> WarmAsync(IEnumerable<ImageGenerationRequest> requests, int maxDegreeOfParallelism = 4, CancellationToken cancellationToken = default);
}
