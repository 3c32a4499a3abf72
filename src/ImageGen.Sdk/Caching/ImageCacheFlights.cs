using System.Collections.Concurrent;

namespace ImageGen.Sdk.Caching;

/// <summary>
/// Coalescing: identical requests in flight share one upstream call. A caller that cancels stops waiting without
/// disturbing the others; the call itself is cancelled only when every waiter has gone. A result is stored before
/// the waiters are released; a failure reaches every waiter and is not stored.
/// </summary>
internal sealed class ImageCacheFlights(ImageCache cache)
{
    private readonly ImageCache _cache = cache;

    // Keyed by user too: the shared call runs with the leader's request, and per-user quotas or budgets below the cache
    // may refuse one user and not another. The stored key stays user-independent.
    private readonly ConcurrentDictionary<(ImageCacheKey Key, string? User), Flight> _flights = new();

    /// <summary>Joins the call in flight for the key, or starts it; returns when it ends or this caller cancels.</summary>
    public async Task<ImageGenerationResult> JoinAsync(IImageGenerator inner, ImageGenerationRequest request, ImageCacheKey key, string routedProvider, CancellationToken cancellationToken)
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
            _cache.CountCoalesced();
            ImageCacheLog.Coalesced(_cache.Logger, key);
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
        _cache.AddSaved(result.EstimatedCostUsd);
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
        ImageCacheLog.FlightAbandoned(_cache.Logger, key.Key);

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
            ImageCacheLog.CancellationCallbackFailed(_cache.Logger, key, ex);
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
                ImageCacheLog.NotStoredOtherProvider(_cache.Logger, key, routedProvider, result.Provider);
            }
            else if (IsCacheable(result))
            {
                // Stored before the waiters are released, so a caller arriving just after them is a hit, not a second call.
                await _cache.SetAsync(key, result).ConfigureAwait(false);
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
