namespace ImageGen.Sdk.Caching;

/// <summary>
/// Stale-if-error: an expired entry, kept for <see cref="ImageCacheOptions.MaxStaleness"/>, answers a provider
/// failure that another try might not (rate limits, quota, outages, time-outs, network), never a refusal about the
/// request itself (invalid, content-filtered, authentication).
/// </summary>
internal static class ImageCacheStaleIfError
{
    /// <summary>The error kinds that may be answered with a stale entry: transient, rate-limit, quota and unavailable failures.</summary>
    public static bool IsEligible(ImageGenerationErrorKind kind) => kind is ImageGenerationErrorKind.RateLimited
        or ImageGenerationErrorKind.QuotaExceeded
        or ImageGenerationErrorKind.Unavailable
        or ImageGenerationErrorKind.ServerError
        or ImageGenerationErrorKind.Timeout
        or ImageGenerationErrorKind.Network;

    /// <summary>Tells whether an expired entry may still be served on a provider failure.</summary>
    public static bool CanServe(ImageCacheEntry entry, ImageCacheOptions options, DateTimeOffset now)
        => options.ServeStaleOnError && now <= entry.RetainUntil && now - entry.ExpiresAt <= options.MaxStaleness;

    /// <summary>Tells whether <paramref name="failure"/> may be answered with <paramref name="stale"/> now.</summary>
    public static bool CanAnswer(ImageGenerationException failure, ImageCacheEntry stale, ImageCacheOptions options, DateTimeOffset now)
        => IsEligible(failure.Kind) && CanServe(stale, options, now);

    /// <summary>Builds the stale result, with a warning that says how old it is and why it was served, and logs it.</summary>
    public static ImageGenerationResult Serve(ImageCache cache, ImageCacheKey key, ImageCacheEntry stale, ImageGenerationException failure, long startedTimestamp)
    {
        TimeSpan age = cache.TimeProvider.GetUtcNow() - stale.ExpiresAt;
        string provider = failure.Provider ?? stale.Provider;
        ImageCacheLog.ServedStale(cache.Logger, key, age, provider, failure.Kind);
        return new ImageGenerationResult(stale.Images, stale.Provider, stale.Model)
        {
            FromCache = true,
            IsStale = true,
            Attempts = 0,
            EstimatedCostUsd = stale.EstimatedCostUsd,
            Elapsed = cache.TimeProvider.GetElapsedTime(startedTimestamp),
            Warnings = [$"Served a cached image that expired {FormatAge(age)} ago because {provider} failed ({failure.Kind})."],
        };
    }

    private static string FormatAge(TimeSpan age)
        => age.TotalDays >= 1 ? $"{(int)age.TotalDays} d" : age.TotalHours >= 1 ? $"{(int)age.TotalHours} h" : $"{Math.Max(0, (int)age.TotalMinutes)} min";
}
