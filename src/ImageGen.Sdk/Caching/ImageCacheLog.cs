using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Caching;

/// <summary>The cache's log messages. Keys appear only as their short hash; prompts never appear.</summary>
internal static partial class ImageCacheLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "Image cache hit {CacheKey} ({Provider}/{Model}).")]
    public static partial void Hit(ILogger logger, ImageCacheKey cacheKey, string provider, string model);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Image cache miss {CacheKey}{StaleNote}.")]
    public static partial void Miss(ILogger logger, ImageCacheKey cacheKey, string staleNote);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Image cache {CacheKey}: joined an identical call already in flight.")]
    public static partial void Coalesced(ILogger logger, ImageCacheKey cacheKey);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Image cache {CacheKey}: served a stale entry (expired {Age} ago) because {Provider} failed with {ErrorKind}.")]
    public static partial void ServedStale(ILogger logger, ImageCacheKey cacheKey, TimeSpan age, string provider, ImageGenerationErrorKind errorKind);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Image cache store {Store} failed to {Operation}; the request goes on without the cache ({Suppressed} more failures since the last warning).")]
    public static partial void StoreFailed(ILogger logger, string store, string operation, int suppressed, Exception exception);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "Image cache {CacheKey}: the last waiter left, cancelling the call in flight.")]
    public static partial void FlightAbandoned(ILogger logger, ImageCacheKey cacheKey);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Image cache warming: request {CacheKey} failed with {ErrorKind}.")]
    public static partial void WarmFailed(ILogger logger, ImageCacheKey cacheKey, string errorKind, Exception exception);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Image cache: entry {CacheKey} is corrupted or truncated and was removed.")]
    public static partial void Corrupted(ILogger logger, ImageCacheKey cacheKey);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Debug, Message = "Image cache {CacheKey}: not stored, the request was routed to {RoutedProvider} but {Provider} answered (a fallback).")]
    public static partial void NotStoredOtherProvider(ILogger logger, ImageCacheKey cacheKey, string routedProvider, string provider);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Debug, Message = "Image cache {CacheKey}: a cancellation callback of the abandoned call failed.")]
    public static partial void CancellationCallbackFailed(ILogger logger, ImageCacheKey cacheKey, Exception exception);
}
