using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.RateLimiting;

/// <summary>The log messages (events 5001-5004) and wait formatting of <see cref="RateLimitingImageGenerator"/>.</summary>
internal static partial class RateLimitingLog
{
    /// <summary>Formats a wait for a message: <c>1500 ms</c>, or <c>an unknown time</c>.</summary>
    internal static string Format(TimeSpan? span)
        => span is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0} ms") : "an unknown time";

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "rate limit: waiting {WaitMs} ms for provider {Provider}")]
    internal static partial void LogWaiting(ILogger logger, long waitMs, string provider);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "rate limit: waiting for a concurrency slot of provider {Provider}")]
    internal static partial void LogWaitingForSlot(ILogger logger, string provider);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "rate limit: provider {Provider} asked to slow down; pausing its traffic for {PauseMs} ms")]
    internal static partial void LogPaused(ILogger logger, string provider, long pauseMs);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "rate limit: provider {Provider} reports 0 {Budget} remaining; pausing {DelayMs} ms")]
    internal static partial void LogExhausted(ILogger logger, string provider, string budget, long delayMs);
}
