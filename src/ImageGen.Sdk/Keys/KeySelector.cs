namespace ImageGen.Sdk.Keys;

/// <summary>
/// Picks the key for an attempt by <see cref="KeyRotationStrategy"/>: only keys that are active now (in this process
/// and in the store) and within their daily limit; a retired key whose probe is due is picked first, once.
/// </summary>
/// <remarks>Synchronous while the store answers synchronously (the in-memory default), so a healthy pool costs no extra state machine.</remarks>
internal sealed class KeySelector(KeyRotationContext context)
{
    private long _turn = -1;

    /// <summary>Returns the index of a usable key (counting it against its daily limit), or -1 when none is usable now.</summary>
    /// <param name="pool">The keys.</param>
    /// <param name="tried">Keys this call already tried, or <see langword="null"/>.</param>
    /// <param name="probe">Whether the key is picked as the probe of a retired key.</param>
    /// <param name="cancellationToken">Cancels store reads.</param>
    public ValueTask<int> PickAsync(KeyPool pool, bool[]? tried, out bool probe, CancellationToken cancellationToken)
    {
        DateTimeOffset now = context.TimeProvider.GetUtcNow();
        probe = false;
        for (int i = 0; i < pool.Count; i++)
        {
            if (tried?[i] != true && pool.Counters[i].TryStartProbe(now))
            {
                probe = true;
                return new ValueTask<int>(i);
            }
        }

        if (context.Options.Strategy == KeyRotationStrategy.LeastUsed)
        {
            return PickLeastUsedAsync(pool, tried, now, cancellationToken);
        }

        int n = pool.Count;
        int start = context.Options.Strategy switch
        {
            KeyRotationStrategy.RoundRobin => (int)((ulong)Interlocked.Increment(ref _turn) % (ulong)n),
            KeyRotationStrategy.Weighted => WeightedStart(pool),
            _ => 0,
        };

        for (int offset = 0; offset < n; offset++)
        {
            int index = (start + offset) % n;
            if (tried?[index] == true || pool.Counters[index].IsRetired)
            {
                continue;
            }

            ValueTask<ApiKeyStatus> read = context.Store.GetAsync(context.Provider, pool.Keys[index].Fingerprint, cancellationToken);
            if (!read.IsCompletedSuccessfully || pool.Keys[index].DailyLimit is not null)
            {
                return PickFromAsync(pool, start, offset, read, tried, now, cancellationToken);
            }

            if (read.Result.EffectiveState(now) == ApiKeyState.Active)
            {
                return new ValueTask<int>(index);
            }
        }

        return new ValueTask<int>(-1);
    }

    private async ValueTask<int> PickFromAsync(KeyPool pool, int start, int offset, ValueTask<ApiKeyStatus> pending, bool[]? tried, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int n = pool.Count;
        int index = (start + offset) % n;
        ApiKeyStatus status = await pending.ConfigureAwait(false);
        if (status.EffectiveState(now) == ApiKeyState.Active && await TryCountDailyAsync(pool, index, now, cancellationToken).ConfigureAwait(false))
        {
            return index;
        }

        for (offset++; offset < n; offset++)
        {
            index = (start + offset) % n;
            if (await IsUsableAsync(pool, index, tried, now, cancellationToken).ConfigureAwait(false)
                && await TryCountDailyAsync(pool, index, now, cancellationToken).ConfigureAwait(false))
            {
                return index;
            }
        }

        return -1;
    }

    private async ValueTask<int> PickLeastUsedAsync(KeyPool pool, bool[]? tried, DateTimeOffset now, CancellationToken cancellationToken)
    {
        bool[] skip = tried is null ? new bool[pool.Count] : [.. tried];
        while (true)
        {
            int best = -1;
            for (int i = 0; i < pool.Count; i++)
            {
                if (!skip[i] && await IsUsableAsync(pool, i, null, now, cancellationToken).ConfigureAwait(false)
                    && (best < 0 || IsLessUsed(pool.Counters[i], pool.Counters[best])))
                {
                    best = i;
                }
            }

            if (best < 0 || await TryCountDailyAsync(pool, best, now, cancellationToken).ConfigureAwait(false))
            {
                return best;
            }

            skip[best] = true;
        }

        static bool IsLessUsed(ApiKeyCounters a, ApiKeyCounters b)
            => a.InFlight < b.InFlight || (a.InFlight == b.InFlight && a.Requests < b.Requests);
    }

    private int WeightedStart(KeyPool pool)
    {
        int[] weights = pool.CumulativeWeights;
        int slot = (int)((ulong)Interlocked.Increment(ref _turn) % (ulong)weights[^1]);
        int index = Array.BinarySearch(weights, slot + 1);
        return index >= 0 ? index : ~index;
    }

    private async ValueTask<bool> IsUsableAsync(KeyPool pool, int index, bool[]? tried, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (tried?[index] == true || pool.Counters[index].IsRetired)
        {
            return false;
        }

        ApiKeyStatus status = await context.Store.GetAsync(context.Provider, pool.Keys[index].Fingerprint, cancellationToken).ConfigureAwait(false);
        return status.EffectiveState(now) == ApiKeyState.Active;
    }

    private async ValueTask<bool> TryCountDailyAsync(KeyPool pool, int index, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ApiKeyClient key = pool.Keys[index];
        if (!pool.HasDailyLimits || key.DailyLimit is not { } limit)
        {
            return true;
        }

        DateOnly today = DateOnly.FromDateTime(now.UtcDateTime);
        long count = await context.Store.IncrementDailyCountAsync(context.Provider, key.Fingerprint, today, cancellationToken).ConfigureAwait(false);
        if (count <= limit)
        {
            return true;
        }

        DateTimeOffset midnight = new(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await context.Store.SetAsync(context.Provider, key.Fingerprint, new ApiKeyStatus(ApiKeyState.Parked, midnight), cancellationToken).ConfigureAwait(false);
        KeyRotationLog.DailyLimit(context.Logger, key.Fingerprint, context.Provider, limit);
        return false;
    }
}
