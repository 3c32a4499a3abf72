using ImageGen.Sdk.RateLimiting;

namespace ImageGen.Sdk.Keys;

/// <summary>
/// Decides and records the health of keys: a rejected key is retired (and probed again after
/// <see cref="KeyRotationOptions.RetiredKeyProbeInterval"/>), a key out of quota is parked, a rate-limited key cools
/// for the delay the provider named, else for a rest that doubles with each 429 in a row, and a key that reports its
/// allowance used up cools until the reset.
/// </summary>
/// <remarks>
/// Retirement lives in this process's counters first (so a shared store that forgets cannot revive a key) and then in
/// the store for other instances. Writes ignore the caller's token: the key's state is a fact whatever the caller does.
/// </remarks>
internal sealed class KeyHealth(KeyRotationContext context)
{
    public static KeyFailure Classify(ImageGenerationException failure)
    {
        if (failure.Kind == ImageGenerationErrorKind.Authentication || failure.StatusCode == 401)
        {
            return KeyFailure.Rejected;
        }

        if (failure.Kind == ImageGenerationErrorKind.QuotaExceeded || failure.StatusCode == 402)
        {
            return KeyFailure.OutOfQuota;
        }

        return failure.Kind == ImageGenerationErrorKind.RateLimited ? KeyFailure.RateLimited : KeyFailure.None;
    }

    /// <summary>
    /// The rest after a 429: the provider's delay when it named a positive one, else the reported reset, else 1 s
    /// doubled for each earlier 429 in a row (<paramref name="streak"/>), capped by <see cref="KeyRotationOptions.EffectiveKeyCooldown"/>.
    /// </summary>
    public static TimeSpan RateLimitRest(ImageGenerationException failure, int streak, KeyRotationOptions options)
    {
        if (failure.RetryAfter is { } retryAfter && retryAfter > TimeSpan.Zero)
        {
            return retryAfter;
        }

        if (ProviderRateLimitExhaustion.TryGetDelay(failure.RateLimit, out TimeSpan reset, out _))
        {
            return reset;
        }

        // A zero or past delay means "soon", as the retry layer reads it: a short rest that grows while the key keeps
        // being refused, never longer than a call may wait for a key.
        TimeSpan cap = options.EffectiveKeyCooldown;
        int doublings = Math.Clamp(streak - 1, 0, 30);
        double ms = KeyRotationOptions.FirstCooldown.TotalMilliseconds * Math.Pow(2, doublings);
        return ms >= cap.TotalMilliseconds ? cap : TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>Retires, parks or cools a key for a failure that <see cref="Classify"/> blamed on it.</summary>
    public async Task RestAsync(KeyPool pool, int index, ImageGenerationException failure, bool probe)
    {
        string fingerprint = pool.Keys[index].Fingerprint;
        DateTimeOffset now = context.TimeProvider.GetUtcNow();
        switch (Classify(failure))
        {
            case KeyFailure.Rejected:
                await RetireAsync(pool, index, failure).ConfigureAwait(false);
                return;
            case KeyFailure.OutOfQuota:
                EndProbe(pool, index, probe);
                DateTimeOffset until = now + context.Options.QuotaCooldown;
                await context.Store.SetAsync(context.Provider, fingerprint, new ApiKeyStatus(ApiKeyState.Parked, until), CancellationToken.None).ConfigureAwait(false);
                KeyRotationLog.Parked(context.Logger, fingerprint, context.Provider, until);
                return;
            default:
                EndProbe(pool, index, probe);
                TimeSpan rest = RateLimitRest(failure, pool.Counters[index].RateLimited(), context.Options);
                await context.Store.SetAsync(context.Provider, fingerprint, new ApiKeyStatus(ApiKeyState.Cooling, now + rest), CancellationToken.None).ConfigureAwait(false);
                long restMs = (long)rest.TotalMilliseconds;
                KeyRotationLog.Cooling(context.Logger, fingerprint, context.Provider, restMs);
                return;
        }
    }

    /// <summary>
    /// Retires a rejected key until its next probe: this process skips it (kept in its counters, so a shared store
    /// that forgets cannot revive it), the store learns it for other instances, and the retirement is logged at Error
    /// (a probe rejected again at Warning).
    /// </summary>
    /// <remarks>In-process retirement happens before the store is touched, so a store failure leaves the key retired here.</remarks>
    public async Task RetireAsync(KeyPool pool, int index, ImageGenerationException failure)
    {
        string fingerprint = pool.Keys[index].Fingerprint;
        DateTimeOffset probeAt = context.TimeProvider.GetUtcNow() + context.Options.RetiredKeyProbeInterval;
        if (pool.Counters[index].Retire(probeAt))
        {
            KeyRotationLog.Retired(context.Logger, fingerprint, context.Provider, failure.StatusCode, probeAt);
        }
        else
        {
            KeyRotationLog.ProbeRejected(context.Logger, fingerprint, context.Provider, failure.StatusCode, probeAt);
        }

        await context.Store.SetAsync(context.Provider, fingerprint, new ApiKeyStatus(ApiKeyState.Retired, probeAt), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>A probe that answered: the key is back in use, here and in the store.</summary>
    public async Task ReviveAsync(KeyPool pool, int index)
    {
        string fingerprint = pool.Keys[index].Fingerprint;
        pool.Counters[index].Revive();
        KeyRotationLog.Revived(context.Logger, fingerprint, context.Provider);
        await context.Store.SetAsync(context.Provider, fingerprint, ApiKeyStatus.Active, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Ends a probe whose call neither succeeded nor was rejected: it proved nothing, so the next call probes.</summary>
    public static void EndProbe(KeyPool pool, int index, bool probe)
    {
        if (probe)
        {
            pool.Counters[index].EndProbe();
        }
    }

    /// <summary>
    /// Cools a key whose provider reported its allowance used up, until the reset. Never shortens a longer rest or
    /// revives a retired key, and ignores the caller's token: the call itself is over, and a cancelled store write
    /// must not turn a good result into a failure.
    /// </summary>
    public async Task CoolExhaustedAsync(KeyPool pool, int index, TimeSpan reset, string budget)
    {
        if (pool.Counters[index].IsRetired)
        {
            return;
        }

        string fingerprint = pool.Keys[index].Fingerprint;
        DateTimeOffset now = context.TimeProvider.GetUtcNow();
        DateTimeOffset until = now + reset;
        ApiKeyStatus status = await context.Store.GetAsync(context.Provider, fingerprint, CancellationToken.None).ConfigureAwait(false);
        ApiKeyState state = status.EffectiveState(now);
        if (state is ApiKeyState.Retired or ApiKeyState.Parked || (state == ApiKeyState.Cooling && status.Until >= until))
        {
            return;
        }

        await context.Store.SetAsync(context.Provider, fingerprint, new ApiKeyStatus(ApiKeyState.Cooling, until), CancellationToken.None).ConfigureAwait(false);
        long resetMs = (long)Math.Ceiling(reset.TotalMilliseconds);
        KeyRotationLog.Exhausted(context.Logger, fingerprint, context.Provider, budget, resetMs);
    }
}
