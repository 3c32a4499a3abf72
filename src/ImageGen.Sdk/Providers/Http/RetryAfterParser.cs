using System.Globalization;
using System.Net.Http.Headers;

namespace ImageGen.Sdk.Providers;

/// <summary>Reads the delay a provider asks for before the next attempt, from headers or from a body field.</summary>
public static class RetryAfterParser
{
    /// <summary>The longest delay believed; a larger value is treated as unreadable rather than pausing for months.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(7);

    /// <summary>
    /// Reads <c>retry-after-ms</c> (milliseconds, OpenAI), then <c>Retry-After</c> as seconds or as an HTTP date. A
    /// date in the past, or a zero, means "now" (<see cref="TimeSpan.Zero"/>).
    /// </summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="timeProvider">The clock an HTTP date is measured against.</param>
    /// <returns>The delay, or <see langword="null"/> when none was sent or it cannot be read.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static TimeSpan? FromHeaders(HttpResponseHeaders headers, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (First(headers, "retry-after-ms") is { } milliseconds
            && double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms)
            && ms >= 0 && ms <= MaxDelay.TotalMilliseconds)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        return First(headers, "retry-after") is { } retryAfter ? FromRetryAfterValue(retryAfter, timeProvider) : null;
    }

    /// <summary>Reads one <c>Retry-After</c> value: seconds (fractions tolerated) or an HTTP date.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="timeProvider">The clock an HTTP date is measured against.</param>
    /// <returns>The delay (zero for a date in the past), or <see langword="null"/> when it cannot be read.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="timeProvider"/> is <see langword="null"/>.</exception>
    public static TimeSpan? FromRetryAfterValue(string? value, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            return seconds >= 0 && seconds <= MaxDelay.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            TimeSpan delay = date - timeProvider.GetUtcNow();
            return delay <= TimeSpan.Zero ? TimeSpan.Zero : delay <= MaxDelay ? delay : null;
        }

        return null;
    }

    /// <summary>
    /// Reads a delay written as a duration in a response body: a number of seconds with an <c>s</c> suffix as in
    /// protobuf JSON (Gemini's <c>RetryInfo.retryDelay</c> <c>"34s"</c>, <c>"0.5s"</c>), with an <c>ms</c> suffix, or bare seconds.
    /// </summary>
    /// <param name="value">The text.</param>
    /// <returns>The delay, or <see langword="null"/> when it cannot be read, is negative or is above <see cref="MaxDelay"/>.</returns>
    public static TimeSpan? FromDuration(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        ReadOnlySpan<char> text = value.AsSpan().Trim();
        double scale = 1000;
        if (text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^2];
            scale = 1;
        }
        else if (text.EndsWith("s", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^1];
        }

        return double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number)
            && number * scale <= MaxDelay.TotalMilliseconds
            ? TimeSpan.FromMilliseconds(number * scale)
            : null;
    }

    private static string? First(HttpResponseHeaders headers, string name)
        => headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
}
