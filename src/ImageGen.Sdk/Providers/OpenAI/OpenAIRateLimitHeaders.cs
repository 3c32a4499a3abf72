using System.Globalization;
using System.Net.Http.Headers;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// Reads OpenAI's and Azure OpenAI's <c>x-ratelimit-limit-*</c>, <c>x-ratelimit-remaining-*</c> and
/// <c>x-ratelimit-reset-*</c> headers (requests and tokens) into a <see cref="ProviderRateLimitInfo"/>.
/// </summary>
/// <remarks>
/// Every value is read on its own: one unreadable header leaves that value <see langword="null"/> and never fails
/// the call, because the headers only advise the layers above and the response itself is still good.
/// </remarks>
internal static class OpenAIRateLimitHeaders
{
    /// <summary>The longest reset believed; a larger value is treated as unreadable rather than pausing for days.</summary>
    internal static readonly TimeSpan MaxReset = TimeSpan.FromDays(7);

    /// <summary>Reads the rate-limit headers.</summary>
    /// <param name="headers">The response headers.</param>
    /// <returns>The values, or <see langword="null"/> when the response carries none of the headers.</returns>
    public static ProviderRateLimitInfo? Read(HttpResponseHeaders headers)
    {
        // Gateways and mocks that send none of them cost no allocation.
        string? remainingRequests = First(headers, "x-ratelimit-remaining-requests");
        string? remainingTokens = First(headers, "x-ratelimit-remaining-tokens");
        string? resetRequests = First(headers, "x-ratelimit-reset-requests");
        string? resetTokens = First(headers, "x-ratelimit-reset-tokens");
        string? limitRequests = First(headers, "x-ratelimit-limit-requests");
        string? limitTokens = First(headers, "x-ratelimit-limit-tokens");
        if (remainingRequests is null && remainingTokens is null && resetRequests is null && resetTokens is null
            && limitRequests is null && limitTokens is null)
        {
            return null;
        }

        return new ProviderRateLimitInfo
        {
            LimitRequests = ParseInt32(limitRequests),
            RemainingRequests = ParseInt32(remainingRequests),
            ResetRequests = ParseDuration(resetRequests),
            LimitTokens = ParseInt64(limitTokens),
            RemainingTokens = ParseInt64(remainingTokens),
            ResetTokens = ParseDuration(resetTokens),
        };
    }

    /// <summary>
    /// Parses a reset duration as OpenAI sends it (Go duration syntax: <c>6m0s</c>, <c>1s</c>, <c>20ms</c>,
    /// <c>1m30.5s</c>, <c>2h</c>) or as plain seconds (<c>0.5</c>, <c>60</c>).
    /// </summary>
    /// <param name="text">The header value.</param>
    /// <returns>The duration, or <see langword="null"/> when the value is missing, malformed, negative or longer than <see cref="MaxReset"/>.</returns>
    public static TimeSpan? ParseDuration(string? text)
    {
        if (text is null)
        {
            return null;
        }

        ReadOnlySpan<char> rest = text.AsSpan().Trim();
        if (rest.IsEmpty)
        {
            return null;
        }

        const NumberStyles Number = NumberStyles.AllowDecimalPoint;
        if (char.IsAsciiDigit(rest[^1]) || rest[^1] == '.')
        {
            // No unit at all: plain seconds, as retry-after uses.
            return double.TryParse(rest, Number, CultureInfo.InvariantCulture, out double plain) ? FromSeconds(plain) : null;
        }

        double seconds = 0;
        while (!rest.IsEmpty)
        {
            int numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            if (numberLength == 0 || !double.TryParse(rest[..numberLength], Number, CultureInfo.InvariantCulture, out double value))
            {
                return null;
            }

            rest = rest[numberLength..];
            int unitLength = 0;
            while (unitLength < rest.Length && char.IsLetter(rest[unitLength]))
            {
                unitLength++;
            }

            double scale = rest[..unitLength] switch
            {
                "h" => 3600,
                "m" => 60,
                "s" => 1,
                "ms" => 1e-3,
                "us" or "\u00b5s" or "\u03bcs" => 1e-6,
                "ns" => 1e-9,
                _ => double.NaN,
            };
            if (double.IsNaN(scale))
            {
                return null;
            }

            seconds += value * scale;
            rest = rest[unitLength..];
        }

        return FromSeconds(seconds);
    }

    private static TimeSpan? FromSeconds(double seconds)
        => double.IsFinite(seconds) && seconds >= 0 && seconds <= MaxReset.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;

    private static int? ParseInt32(string? text)
        => int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out int value) ? value : null;

    private static long? ParseInt64(string? text)
        => long.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out long value) ? value : null;

    private static string? First(HttpResponseHeaders headers, string name)
        => headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;
}
