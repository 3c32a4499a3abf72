using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Providers;

/// <summary>Log messages of every <see cref="HttpImageGenerator"/>. Never the prompt, never a key, never a URL's query.</summary>
internal static partial class ProviderHttpLog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Sending image generation request to {Provider} (model {Model}, {Count} image(s))")]
    public static partial void RequestSent(ILogger logger, string provider, string model, int count);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "{Provider} answered HTTP {StatusCode} (request id {RequestId}) after {ElapsedMs} ms")]
    public static partial void ResponseReceived(ILogger logger, string provider, int statusCode, string? requestId, long elapsedMs);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "{Provider} returned {ImageCount} image(s), {ByteCount} bytes, for model {Model} (request id {RequestId}) in {ElapsedMs} ms")]
    public static partial void ResponseParsed(ILogger logger, string provider, string model, int imageCount, long byteCount, string? requestId, long elapsedMs);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "{Provider} returned an image as a URL; downloading it from {Host} without credentials (request id {RequestId})")]
    public static partial void DownloadingUrl(ILogger logger, string provider, string host, string? requestId);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "{Provider} request for model {Model} failed: {Kind} (HTTP {StatusCode}, code {ErrorCode}, request id {RequestId}, transient {IsTransient})")]
    public static partial void RequestFailed(ILogger logger, string provider, string model, ImageGenerationErrorKind kind, int? statusCode, string? errorCode, string? requestId, bool isTransient);

    [LoggerMessage(EventId = 2106, Level = LogLevel.Debug, Message = "{Provider} job poll failed transiently ({Kind}); polling again in {DelayMs} ms")]
    public static partial void PollFailed(ILogger logger, string provider, ImageGenerationErrorKind kind, long delayMs);

    [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "{Provider} job could not be cancelled at the provider; it may still run and be billed")]
    public static partial void CancelFailed(ILogger logger, string provider, Exception exception);
}
