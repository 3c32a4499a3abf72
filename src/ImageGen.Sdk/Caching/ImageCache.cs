using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.Caching;

/// <summary>
/// The cache shared by <see cref="CachingImageGenerator"/> layers and exposed as <see cref="IImageCache"/>: the store,
/// the counters, the calls in flight (coalescing) and the store-failure policy (log once per interval, carry on).
/// </summary>
public sealed class ImageCache : IImageCache
{
    private const decimal MicroDollars = 1_000_000m;

    // Keyed by user too: the shared call runs with the leader's request, and per-user quotas or budgets below the cache
    // may refuse one user and not another. The stored key stays user-independent.
    private readonly ConcurrentDictionary<(ImageCacheKey Key, string? User), Flight> _flights = new();
    private readonly ILogger _logger;
    private readonly ImageCacheKeyMemo _keyMemo = new();
    private IImageProviderCatalog? _catalog;
    private IImageGenerator? _attachedGenerator;
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
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Gets the store.</summary>
    public IImageCacheStore Store { get; }

    /// <summary>Gets the options.</summary>
    public ImageCacheOptions Options { get; }

    /// <summary>Gets a value indicating whether caching is on (<see cref="ImageCacheOptions.Backend"/> is not <see cref="ImageCacheBackend.None"/>).</summary>
    public bool IsEnabled => Options.Backend != ImageCacheBackend.None;

    internal TimeProvider TimeProvider { get; }

    /// <summary>Gets or sets how the DI container hands the full stack to <see cref="WarmAsync"/> (validation included).</summary>
    internal Func<IImageGenerator>? WarmGeneratorFactory { get; set; }

    /// <summary>Gets or sets how the DI container hands the catalog over lazily (it is built with the stack).</summary>
    internal Func<IImageProviderCatalog?>? CatalogFactory { get; set; }

    /// <inheritdoc />
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

    /// <inheritdoc />
    public async Task ClearAsync(CancellationToken cancellationToken = default)
        => await Store.ClearAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<bool> RemoveAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ImageCacheKey key = ComputeKey(request, _catalog ?? CatalogFactory?.Invoke());
        return await Store.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task InvalidateAsync(string? provider, string? model, CancellationToken cancellationToken = default)
    {
        if (provider is null && model is null)
        {
            await Store.ClearAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await Store.InvalidateAsync(provider, model, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ImageCacheWarmSummary> WarmAsync(IEnumerable<ImageGenerationRequest> requests, int maxDegreeOfParallelism = 4, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDegreeOfParallelism, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDegreeOfParallelism, 64);
        if (!IsEnabled)
        {
            throw new InvalidOperationException("Caching is disabled (ImageGeneration:Cache:Backend is None); there is nothing to warm.");
        }

        IImageGenerator generator = WarmGeneratorFactory?.Invoke() ?? _attachedGenerator ?? throw new InvalidOperationException(
            "No image generator uses this cache yet: add it to a pipeline with UseCaching(...) before warming it.");
        IImageProviderCatalog? catalog = _catalog ?? CatalogFactory?.Invoke();
        int cached = 0;
        int generated = 0;
        int failed = 0;
        int skipped = 0;
        ParallelOptions parallel = new() { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(requests, parallel, async (request, token) =>
        {
            ArgumentNullException.ThrowIfNull(request);
            if (request.Count > 1 && !Options.CacheMultipleImages)
            {
                // It would be generated and not stored: money spent for nothing.
                Interlocked.Increment(ref skipped);
                return;
            }

            try
            {
                ImageGenerationResult result = await generator.GenerateAsync(
                    request.Cache == CacheMode.Default ? request : request with { Cache = CacheMode.Default }, token).ConfigureAwait(false);
                if (result.FromCache)
                {
                    Interlocked.Increment(ref cached);
                }
                else
                {
                    Interlocked.Increment(ref generated);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                Interlocked.Increment(ref failed);
                string kind = ex is ImageGenerationException generationException ? generationException.Kind.ToString() : ex.GetType().Name;
                ImageCacheKey key = TryComputeKey(request, catalog);
                ImageCacheLog.WarmFailed(_logger, key, kind, ex);
            }
        }).ConfigureAwait(false);
        return new ImageCacheWarmSummary(cached, generated, failed, skipped);
    }

    /// <summary>Records the generator and catalog of a layer using this cache (for keys and warming).</summary>
    internal void Attach(IImageGenerator generator, IImageProviderCatalog? catalog)
    {
        Interlocked.CompareExchange(ref _attachedGenerator, generator, null);
        if (catalog is not null)
        {
            Interlocked.CompareExchange(ref _catalog, catalog, null);
        }
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

    /// <summary>Serves a fresh entry.</summary>
    internal ImageGenerationResult Hit(ImageCacheKey key, ImageCacheEntry entry, long startedTimestamp)
    {
        Interlocked.Increment(ref _hits);
        AddSavedMicroUsd(entry.CostMicroUsd);
        ImageCacheLog.Hit(_logger, key, entry.Provider, entry.Model);
        return new ImageGenerationResult(entry.Images, entry.Provider, entry.Model)
        {
            FromCache = true,
            Attempts = 0,
            EstimatedCostUsd = entry.EstimatedCostUsd,
            Elapsed = TimeProvider.GetElapsedTime(startedTimestamp),
        };
    }

    /// <summary>Tells whether an expired entry may still be served on a provider failure.</summary>
    internal bool CanServeStale(ImageCacheEntry entry, DateTimeOffset now)
        => Options.ServeStaleOnError && now <= entry.RetainUntil && now - entry.ExpiresAt <= Options.MaxStaleness;

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
        ImageCacheLog.Miss(_logger, key, stale is null ? string.Empty : " (a stale entry is kept for errors)");
        try
        {
            return await JoinAsync(inner, request, key, routedProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageGenerationException ex) when (stale is not null && IsStaleEligible(ex.Kind) && CanServeStale(stale, TimeProvider.GetUtcNow()))
        {
            Interlocked.Increment(ref _staleHits);
            AddSavedMicroUsd(stale.CostMicroUsd);
            TimeSpan age = TimeProvider.GetUtcNow() - stale.ExpiresAt;
            string provider = ex.Provider ?? stale.Provider;
            ImageCacheLog.ServedStale(_logger, key, age, provider, ex.Kind);
            return new ImageGenerationResult(stale.Images, stale.Provider, stale.Model)
            {
                FromCache = true,
                IsStale = true,
                Attempts = 0,
                EstimatedCostUsd = stale.EstimatedCostUsd,
                Elapsed = TimeProvider.GetElapsedTime(startedTimestamp),
                Warnings = [$"Served a cached image that expired {FormatAge(age)} ago because {provider} failed ({ex.Kind})."],
            };
        }
    }

    /// <summary>The error kinds that may be answered with a stale entry: transient, rate-limit, quota and unavailable failures.</summary>
    internal static bool IsStaleEligible(ImageGenerationErrorKind kind) => kind is ImageGenerationErrorKind.RateLimited
        or ImageGenerationErrorKind.QuotaExceeded
        or ImageGenerationErrorKind.Unavailable
        or ImageGenerationErrorKind.ServerError
        or ImageGenerationErrorKind.Timeout
        or ImageGenerationErrorKind.Network;

    private static bool IsCacheable(ImageGenerationResult result)
    {
        if (result.IsStale || result.FromCache || result.Images.Count == 0)
        {
            return false;
        }

        foreach (GeneratedImage image in result.Images)
        {
            if (image.Data.IsEmpty)
            {
                return false;
            }
        }

        return true;
    }

    private static string FormatAge(TimeSpan age)
        => age.TotalDays >= 1 ? $"{(int)age.TotalDays} d" : age.TotalHours >= 1 ? $"{(int)age.TotalHours} h" : $"{Math.Max(0, (int)age.TotalMinutes)} min";

    private async Task<ImageGenerationResult> JoinAsync(IImageGenerator inner, ImageGenerationRequest request, ImageCacheKey key, string routedProvider, CancellationToken cancellationToken)
    {
        (ImageCacheKey Key, string? User) flightKey = (key, request.User);
        (Flight flight, bool leader) = Enter(flightKey);
        if (leader)
        {
            // Not awaited here: the call belongs to every waiter, not to this caller, and outlives it if it cancels.
            _ = RunUpstreamAsync(inner, request, flightKey, routedProvider, flight);
        }
        else
        {
            Interlocked.Increment(ref _coalesced);
            ImageCacheLog.Coalesced(_logger, key);
        }

        ImageGenerationResult result;
        try
        {
            result = await flight.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !flight.Completion.Task.IsCompleted)
        {
            Leave(flightKey, flight);
            throw;
        }

        if (leader)
        {
            return result;
        }

        // The leader's result carries the call's attempts and cost: handing it to every waiter would make an app that
        // sums costs per result count one call N times. A waiter gets its own copy with no attempts; its cost is
        // what joining saved, as for a hit.
        AddSaved(result.EstimatedCostUsd);
        return new ImageGenerationResult(result) { Attempts = 0 };
    }

    private (Flight Flight, bool Leader) Enter((ImageCacheKey Key, string? User) key)
    {
        while (true)
        {
            Flight flight = _flights.GetOrAdd(key, static _ => new Flight());
            lock (flight)
            {
                if (!flight.Closed)
                {
                    bool leader = !flight.Started;
                    flight.Started = true;
                    flight.Waiters++;
                    return (flight, leader);
                }
            }

            // Everyone left this one and its call is being cancelled: start afresh.
            _flights.TryRemove(new KeyValuePair<(ImageCacheKey, string?), Flight>(key, flight));
        }
    }

    private void Leave((ImageCacheKey Key, string? User) key, Flight flight)
    {
        lock (flight)
        {
            flight.Waiters--;
            if (flight.Waiters > 0 || flight.Completion.Task.IsCompleted)
            {
                return;
            }

            flight.Closed = true;
        }

        _flights.TryRemove(new KeyValuePair<(ImageCacheKey, string?), Flight>(key, flight));
        ImageCacheLog.FlightAbandoned(_logger, key.Key);

        // Not Cancel(): it would run the inner layers' cancellation callbacks on this caller's thread, and one that
        // throws would replace this caller's OperationCanceledException.
        _ = CancelAbandonedAsync(flight, key.Key);
    }

    private async Task CancelAbandonedAsync(Flight flight, ImageCacheKey key)
    {
        try
        {
            await flight.Cancellation.CancelAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nobody waits for the abandoned call any more; a failing callback below is only worth a note.
            ImageCacheLog.CancellationCallbackFailed(_logger, key, ex);
        }
    }

    private async Task RunUpstreamAsync(IImageGenerator inner, ImageGenerationRequest request, (ImageCacheKey Key, string? User) flightKey, string routedProvider, Flight flight)
    {
        ImageCacheKey key = flightKey.Key;
        try
        {
            ImageGenerationResult result = await inner.GenerateAsync(request, flight.Cancellation.Token).ConfigureAwait(false);
            if (routedProvider.Length > 0 && !string.Equals(result.Provider, routedProvider, StringComparison.OrdinalIgnoreCase))
            {
                // A fallback provider answered (fallback sits below the cache): its image is not what the key names,
                // and storing it would keep serving the fallback's output after the routed provider recovers.
                ImageCacheLog.NotStoredOtherProvider(_logger, key, routedProvider, result.Provider);
            }
            else if (IsCacheable(result))
            {
                // Stored before the waiters are released, so a caller arriving just after them is a hit, not a second call.
                await SetAsync(key, result).ConfigureAwait(false);
            }

            _flights.TryRemove(new KeyValuePair<(ImageCacheKey, string?), Flight>(flightKey, flight));
            flight.Completion.TrySetResult(result);
        }
        catch (Exception ex)
        {
            _flights.TryRemove(new KeyValuePair<(ImageCacheKey, string?), Flight>(flightKey, flight));
            if (ex is OperationCanceledException canceled && flight.Cancellation.IsCancellationRequested)
            {
                flight.Completion.TrySetCanceled(canceled.CancellationToken);
            }
            else
            {
                flight.Completion.TrySetException(ex);
            }

            // Observed on purpose: when every waiter has left, nobody else will look at it.
            _ = flight.Completion.Task.Exception;
        }
    }

    private async ValueTask SetAsync(ImageCacheKey key, ImageGenerationResult result)
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
            ImageCacheLog.StoreFailed(_logger, Store.GetType().Name, operation, suppressed, exception);
        }
        else
        {
            Interlocked.Increment(ref _suppressedFailures);
        }
    }

    private ImageCacheKey TryComputeKey(ImageGenerationRequest request, IImageProviderCatalog? catalog)
    {
        try
        {
            return ComputeKey(request, catalog);
        }
        catch (ArgumentException)
        {
            return default;
        }
    }

    private void AddSaved(decimal? cost) => AddSavedMicroUsd(ImageCacheEntry.ToMicroUsd(cost));

    private void AddSavedMicroUsd(long microUsd)
    {
        if (microUsd > 0)
        {
            Interlocked.Add(ref _savedMicroUsd, microUsd);
        }
    }

    /// <summary>One upstream call shared by every identical request that arrives while it runs.</summary>
    private sealed class Flight
    {
        public CancellationTokenSource Cancellation { get; } = new();

        public TaskCompletionSource<ImageGenerationResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Gets or sets the callers still waiting (guarded by locking the flight).</summary>
        public int Waiters { get; set; }

        public bool Started { get; set; }

        /// <summary>Gets or sets a value indicating whether every waiter left; nobody may join any more.</summary>
        public bool Closed { get; set; }
    }
}
