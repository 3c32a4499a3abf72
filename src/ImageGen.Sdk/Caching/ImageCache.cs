using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.Caching;

/// <summary>
/// The cache a <see cref="CachingImageGenerator"/> layer serves from: the store, the options, the figures, and the
/// store-failure policy (log once per interval, carry on). It knows no generator and no catalog: the layer brings
/// those, and <see cref="ImageCachePipelineExtensions.GetImageCache"/> (or <see cref="IImageCache"/> from
/// <c>AddImageGeneration()</c>) manages the cache through the pipeline it sits in.
/// </summary>
/// <remarks>
/// The miss path is shared with two helpers: <c>ImageCacheFlights</c> makes identical requests in flight share one
/// upstream call, and <c>ImageCacheStaleIfError</c> answers transient failures with an expired entry.
/// </remarks>
public sealed class ImageCache
{
    private const decimal MicroDollars = 1_000_000m;

    private readonly ImageCacheKeyMemo _keyMemo = new();
    private long _hits;
    private long _misses;
    private long _staleHits;
    private long _coalesced;
    private long _storeFailures;
    private long _savedMicroUsd;
    private long _nextFailureLogTicks;
    private int _suppressedFailures;

    /// <summary>Initializes a new cache.</summary>
    /// <param name="store">Where entries are kept.</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock for expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    public ImageCache(IImageCacheStore store, ImageCacheOptions? options = null, TimeProvider? timeProvider = null, ILogger<ImageCache>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        options ??= new ImageCacheOptions();
        List<string> errors = [];
        options.Validate("Cache", errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        Store = store;
        Options = options;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Logger = logger ?? (ILogger)NullLogger.Instance;
        Flights = new ImageCacheFlights(this);
    }

    /// <summary>Gets the store.</summary>
    public IImageCacheStore Store { get; }

    /// <summary>Gets the options.</summary>
    public ImageCacheOptions Options { get; }

    /// <summary>Gets a value indicating whether caching is on (<see cref="ImageCacheOptions.Backend"/> is not <see cref="ImageCacheBackend.None"/>).</summary>
    public bool IsEnabled => Options.Backend != ImageCacheBackend.None;

    internal TimeProvider TimeProvider { get; }

    internal ILogger Logger { get; }

    /// <summary>Gets the calls in flight, shared by identical requests.</summary>
    internal ImageCacheFlights Flights { get; }

    /// <summary>Gets the cache figures since start-up: hits, misses, stale hits, coalesced waits, evictions, size, cost saved.</summary>
    /// <returns>A snapshot.</returns>
    public ImageCacheStatistics GetStatistics()
    {
        ImageCacheStoreStatistics store = Store.GetStatistics();
        long hits = Interlocked.Read(ref _hits);
        long misses = Interlocked.Read(ref _misses);
        return new ImageCacheStatistics
        {
            Hits = hits,
            Misses = misses,
            StaleHits = Interlocked.Read(ref _staleHits),
            CoalescedWaits = Interlocked.Read(ref _coalesced),
            StoreFailures = Interlocked.Read(ref _storeFailures),
            Evictions = store.Evictions,
            Entries = store.Entries,
            Bytes = store.Bytes,
            HitRate = hits + misses == 0 ? 0 : (double)hits / (hits + misses),
            EstimatedCostSavedUsd = Interlocked.Read(ref _savedMicroUsd) / MicroDollars,
        };
    }

    /// <summary>Removes every entry.</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the cache is empty.</returns>
    public async Task ClearAsync(CancellationToken cancellationToken = default)
        => await Store.ClearAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Removes every entry produced by a provider and/or model; both <see langword="null"/> clears the cache.</summary>
    /// <param name="provider">The provider name, or <see langword="null"/> for any (ignores case).</param>
    /// <param name="model">The model, or <see langword="null"/> for any (ignores case).</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when matching entries can no longer be served.</returns>
    public async Task InvalidateAsync(string? provider, string? model, CancellationToken cancellationToken = default)
    {
        if (provider is null && model is null)
        {
            await Store.ClearAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await Store.InvalidateAsync(provider, model, cancellationToken).ConfigureAwait(false);
    }

    internal ImageCacheKey ComputeKey(ImageGenerationRequest request, IImageProviderCatalog? catalog)
        => ComputeKey(request, catalog, out _);

    /// <summary>Computes the key and tells which provider it was built for (empty when unknown: no catalog and no provider in the request).</summary>
    internal ImageCacheKey ComputeKey(ImageGenerationRequest request, IImageProviderCatalog? catalog, out string provider)
    {
        if (catalog is not null)
        {
            (provider, string model) = catalog.ResolveRoute(request);
            return ImageCacheKeyBuilder.Compute(request, provider, model, Options.KeyPrefix, _keyMemo);
        }

        provider = request.Provider ?? string.Empty;
        return ImageCacheKeyBuilder.Compute(request, provider, request.Model ?? string.Empty, Options.KeyPrefix, _keyMemo);
    }

    /// <summary>Reads an entry; a store failure is logged and reads as a miss.</summary>
    internal ValueTask<ImageCacheEntry?> GetAsync(ImageCacheKey key, CancellationToken cancellationToken)
    {
        try
        {
            ValueTask<ImageCacheEntry?> read = Store.GetAsync(key, cancellationToken);
            return read.IsCompletedSuccessfully ? read : AwaitReadAsync(read, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ReportStoreFailure(ex, "read");
            return default;
        }
    }

    /// <summary>Stores a result; a store failure is logged, never thrown (the result reaches its callers anyway).</summary>
    internal async ValueTask SetAsync(ImageCacheKey key, ImageGenerationResult result)
    {
        try
        {
            ImageCacheEntry entry = ImageCacheEntry.FromResult(
                result, TimeProvider.GetUtcNow(), Options.Ttl, Options.ServeStaleOnError ? Options.MaxStaleness : TimeSpan.Zero);
            await Store.SetAsync(key, entry, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ReportStoreFailure(ex, "write");
        }
    }

    /// <summary>Serves a fresh entry.</summary>
    internal ImageGenerationResult Hit(ImageCacheKey key, ImageCacheEntry entry, long startedTimestamp)
    {
        Interlocked.Increment(ref _hits);
        AddSavedMicroUsd(entry.CostMicroUsd);
        ImageCacheLog.Hit(Logger, key, entry.Provider, entry.Model);
        return new ImageGenerationResult(entry.Images, entry.Provider, entry.Model)
        {
            FromCache = true,
            Attempts = 0,
            EstimatedCostUsd = entry.EstimatedCostUsd,
            Elapsed = TimeProvider.GetElapsedTime(startedTimestamp),
        };
    }

    /// <summary>The miss path: join (or start) the call in flight for the key, falling back to a stale entry on transient failures.</summary>
    /// <param name="inner">The generator misses go to.</param>
    /// <param name="request">The request.</param>
    /// <param name="key">Its key.</param>
    /// <param name="routedProvider">The provider the key was built for; a result from another provider (a fallback) is not stored under it. Empty when unknown.</param>
    /// <param name="stale">An expired entry that may answer transient failures.</param>
    /// <param name="startedTimestamp">When the call started.</param>
    /// <param name="cancellationToken">Stops this caller's wait.</param>
    internal async Task<ImageGenerationResult> GenerateAsync(
        IImageGenerator inner, ImageGenerationRequest request, ImageCacheKey key, string routedProvider, ImageCacheEntry? stale, long startedTimestamp, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _misses);
        ImageCacheLog.Miss(Logger, key, stale is null ? string.Empty : " (a stale entry is kept for errors)");
        try
        {
            return await Flights.JoinAsync(inner, request, key, routedProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageGenerationException ex) when (stale is not null && ImageCacheStaleIfError.CanAnswer(ex, stale, Options, TimeProvider.GetUtcNow()))
        {
            Interlocked.Increment(ref _staleHits);
            AddSavedMicroUsd(stale.CostMicroUsd);
            return ImageCacheStaleIfError.Serve(this, key, stale, ex, startedTimestamp);
        }
    }

    /// <summary>Counts a caller that joined a call already in flight.</summary>
    internal void CountCoalesced() => Interlocked.Increment(ref _coalesced);

    /// <summary>Adds the cost a caller did not pay (a hit, a joined call).</summary>
    internal void AddSaved(decimal? cost) => AddSavedMicroUsd(ImageCacheEntry.ToMicroUsd(cost));

    private void AddSavedMicroUsd(long microUsd)
    {
        if (microUsd > 0)
        {
            Interlocked.Add(ref _savedMicroUsd, microUsd);
        }
    }

    private async ValueTask<ImageCacheEntry?> AwaitReadAsync(ValueTask<ImageCacheEntry?> read, CancellationToken cancellationToken)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ReportStoreFailure(ex, "read");
            return null;
        }
    }

    private void ReportStoreFailure(Exception exception, string operation)
    {
        Interlocked.Increment(ref _storeFailures);
        long now = TimeProvider.GetUtcNow().UtcTicks;
        long next = Interlocked.Read(ref _nextFailureLogTicks);
        if (now >= next && Interlocked.CompareExchange(ref _nextFailureLogTicks, now + Options.StoreFailureLogInterval.Ticks, next) == next)
        {
            int suppressed = Interlocked.Exchange(ref _suppressedFailures, 0);
            ImageCacheLog.StoreFailed(Logger, Store.GetType().Name, operation, suppressed, exception);
        }
        else
        {
            Interlocked.Increment(ref _suppressedFailures);
        }
    }
}
