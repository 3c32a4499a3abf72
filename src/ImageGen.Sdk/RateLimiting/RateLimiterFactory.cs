using System.Threading.RateLimiting;

namespace ImageGen.Sdk.RateLimiting;

/// <summary>Builds the <see cref="RateLimiter"/> that enforces a <see cref="RateLimitOptions"/>.</summary>
internal static class RateLimiterFactory
{
    /// <summary>Creates a limiter for <paramref name="options"/>, or <see langword="null"/> when nothing is limited.</summary>
    /// <param name="options">The limits.</param>
    /// <param name="timeProvider">The clock that returns rate permits.</param>
    /// <returns>The limiter (chained when several limits are set), or <see langword="null"/>.</returns>
    public static RateLimiter? Create(RateLimitOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        int queueLimit = options.QueueLimit ?? int.MaxValue;
        List<RateLimiter> limiters = [];

        // Concurrency first: a caller waiting for a concurrency slot must not burn a rate permit meanwhile.
        if (options.MaxConcurrency is { } maxConcurrency)
        {
            limiters.Add(new ConcurrencyLimiter(new ConcurrencyLimiterOptions
            {
                PermitLimit = maxConcurrency,
                QueueLimit = queueLimit,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
        }

        if (options.RequestsPerMinute is { } perMinute)
        {
            int burst = options.Burst ?? perMinute;
            TimeSpan hold = TimeSpan.FromTicks((long)Math.Ceiling(TimeSpan.TicksPerMinute * (double)burst / perMinute));
            limiters.Add(new TimedPermitRateLimiter(burst, hold, queueLimit, timeProvider));
        }

        if (options.MinInterval is { } interval && interval > TimeSpan.Zero)
        {
            limiters.Add(new TimedPermitRateLimiter(1, interval, queueLimit, timeProvider));
        }

        return limiters.Count switch
        {
            0 => null,
            1 => limiters[0],
            _ => new RateLimiterChain([.. limiters], ownsLimiters: true),
        };
    }

    /// <summary>Chains limiters, skipping <see langword="null"/> ones; the chain does not own (dispose) them.</summary>
    /// <param name="limiters">The limiters, in the order permits are taken.</param>
    /// <returns>The chain, the single limiter, or <see langword="null"/>.</returns>
    public static RateLimiter? Chain(params RateLimiter?[] limiters)
    {
        RateLimiter[] present = [.. limiters.Where(l => l is not null).Cast<RateLimiter>()];
        return present.Length switch
        {
            0 => null,
            1 => present[0],
            _ => new RateLimiterChain(present, ownsLimiters: false),
        };
    }
}
