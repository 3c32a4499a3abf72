using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Keys;

/// <summary>The key-rotation layer's log events (51xx); keys appear only as fingerprints.</summary>
internal static partial class KeyRotationLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Error, Message = "API key {Fingerprint} of provider {Provider} was rejected (status {StatusCode}); it is retired and is probed again with one call at {ProbeAt:O}")]
    public static partial void Retired(ILogger logger, string fingerprint, string provider, int? statusCode, DateTimeOffset probeAt);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "API key {Fingerprint} of provider {Provider} was rate-limited; cooling for {CooldownMs} ms and moving on to another key")]
    public static partial void Cooling(ILogger logger, string fingerprint, string provider, long cooldownMs);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "API key {Fingerprint} of provider {Provider} is out of quota; parked until {Until:O}")]
    public static partial void Parked(ILogger logger, string fingerprint, string provider, DateTimeOffset until);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Information, Message = "API key {Fingerprint} of provider {Provider} reached its daily limit of {DailyLimit} calls; parked until midnight UTC")]
    public static partial void DailyLimit(ILogger logger, string fingerprint, string provider, int dailyLimit);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "keys: every API key of provider {Provider} is resting; waiting {WaitMs} ms for the soonest")]
    public static partial void WaitingForKey(ILogger logger, string provider, long waitMs);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Information, Message = "API key {Fingerprint} of provider {Provider} reports 0 {Budget} remaining; cooling for {CooldownMs} ms while the other keys carry on")]
    public static partial void Exhausted(ILogger logger, string fingerprint, string provider, string budget, long cooldownMs);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "API key {Fingerprint} of provider {Provider} is retired in this process, but the key state store failed to record it; other instances may still use it")]
    public static partial void RetirementNotStored(ILogger logger, Exception exception, string fingerprint, string provider);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "The key state store failed to record the state of API key {Fingerprint} of provider {Provider}; the call goes on with this instance's view of the key")]
    public static partial void KeyStateNotStored(ILogger logger, Exception exception, string fingerprint, string provider);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Information, Message = "API key {Fingerprint} of provider {Provider} answered its probe; it is back in use")]
    public static partial void Revived(ILogger logger, string fingerprint, string provider);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Warning, Message = "API key {Fingerprint} of provider {Provider} was rejected again by its probe (status {StatusCode}); it stays retired until the next probe at {ProbeAt:O}")]
    public static partial void ProbeRejected(ILogger logger, string fingerprint, string provider, int? statusCode, DateTimeOffset probeAt);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Information, Message = "The API keys of provider {Provider} changed in configuration; {Count} key(s) now in use")]
    public static partial void KeysReloaded(ILogger logger, string provider, int count);
}
