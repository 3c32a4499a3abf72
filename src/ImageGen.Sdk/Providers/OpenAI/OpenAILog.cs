using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>Log messages of the OpenAI and Azure OpenAI clients. Never the prompt, never a key.</summary>
internal static partial class OpenAILog
{
    [LoggerMessage(EventId = 2101, Level = LogLevel.Debug, Message = "Sending image generation request to {Provider} (model {Model}, {Count} image(s))")]
    public static partial void RequestSent(ILogger logger, string provider, string model, int count);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "{Provider} answered HTTP {StatusCode} for model {Model} (request id {RequestId}) after {ElapsedMs} ms")]
    public static partial void ResponseReceived(ILogger logger, string provider, string model, int statusCode, string? requestId, long elapsedMs);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "{Provider} returned {ImageCount} image(s), {ByteCount} bytes, for model {Model} (request id {RequestId}) in {ElapsedMs} ms")]
    public static partial void ResponseParsed(ILogger logger, string provider, string model, int imageCount, long byteCount, string? requestId, long elapsedMs);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "{Provider} returned image {Index} as a URL for model {Model}; downloading it from {Host} without credentials (request id {RequestId})")]
    public static partial void DownloadingUrl(ILogger logger, string provider, string model, int index, string host, string? requestId);

    [LoggerMessage(EventId = 2105, Level = LogLevel.Debug, Message = "{Provider} request for model {Model} failed: {Kind} (HTTP {StatusCode}, code {ErrorCode}, request id {RequestId}, transient {IsTransient})")]
    public static partial void RequestFailed(ILogger logger, string provider, string model, ImageGenerationErrorKind kind, int? statusCode, string? errorCode, string? requestId, bool isTransient);
}
