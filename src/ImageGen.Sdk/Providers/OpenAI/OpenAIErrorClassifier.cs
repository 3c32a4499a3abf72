using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// Turns an OpenAI or Azure OpenAI error response (status, <c>error</c> body, headers) into an
/// <see cref="ImageGenerationException"/>, per the mapping table in the provider reference.
/// </summary>
internal static partial class OpenAIErrorClassifier
{
    /// <summary>Creates the exception for an unsuccessful response.</summary>
    /// <param name="provider">The configured provider name.</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="headers">The response headers.</param>
    /// <param name="error">The parsed <c>error</c> object, or <see langword="null"/> when the body was not the error JSON.</param>
    /// <param name="requestId">The provider's request id.</param>
    /// <param name="timeProvider">The clock for HTTP-date <c>retry-after</c> values.</param>
    /// <param name="redact">Removes secrets from provider-written text.</param>
    /// <param name="rateLimit">The rate-limit headers' values, carried on the exception.</param>
    /// <returns>The exception to throw.</returns>
    public static ImageGenerationException Create(
        string provider,
        HttpStatusCode status,
        HttpResponseHeaders headers,
        OpenAIError? error,
        string? requestId,
        TimeProvider timeProvider,
        Func<string, string> redact,
        ProviderRateLimitInfo? rateLimit = null)
    {
        string? code = error?.CodeText;
        string? type = error?.Type;
        string? innerCode = error?.InnerError?.Code;
        ImageGenerationErrorKind kind = Classify((int)status, code, type, innerCode);

        TimeSpan? retryAfter = ReadRetryAfter(headers, timeProvider);
        if (retryAfter is null && kind == ImageGenerationErrorKind.RateLimited && error?.Message is { } text)
        {
            // Azure states the delay only in the message: "Please retry after 6 seconds".
            Match match = RetryAfterInMessage().Match(text);
            if (match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds))
            {
                retryAfter = TimeSpan.FromSeconds(seconds);
            }
        }

        bool transient = ImageGenerationException.IsTransientKind(kind);
        if (ReadShouldRetry(headers) is bool shouldRetry && (!shouldRetry || CanBecomeTransient(kind)))
        {
            transient = shouldRetry;
        }

        string detail = string.IsNullOrWhiteSpace(error?.Message)
            ? error is null ? "the error body was not OpenAI error JSON" : "no message"
            : redact(error.Message.Trim());
        string codeText = (code ?? innerCode ?? type) is { } c ? $" {c}" : string.Empty;
        string message = string.Create(CultureInfo.InvariantCulture, $"{provider} returned HTTP {(int)status}{codeText} ({kind}): {detail}");
        return new ImageGenerationException(kind, message)
        {
            Provider = provider,
            StatusCode = (int)status,
            ProviderErrorCode = code ?? type ?? innerCode,
            ProviderRequestId = requestId,
            RetryAfter = retryAfter,
            IsTransient = transient,
            RateLimit = rateLimit,
        };
    }

    /// <summary>Maps status, <c>error.code</c>, <c>error.type</c> and Azure's <c>inner_error.code</c> to a kind.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="code">The error code.</param>
    /// <param name="type">The error type.</param>
    /// <param name="innerCode">Azure's inner error code.</param>
    /// <returns>The kind.</returns>
    internal static ImageGenerationErrorKind Classify(int status, string? code, string? type, string? innerCode)
    {
        // Codes first: a 429 may be a rate limit (retry) or an empty account (never retry).
        if (Is(code, "insufficient_quota") || Is(code, "credit_balance_exhausted")
            || Is(type, "insufficient_quota") || Is(type, "credit_balance_exhausted"))
        {
            return ImageGenerationErrorKind.QuotaExceeded;
        }

        if (Is(code, "content_policy_violation") || Is(code, "moderation_blocked") || Is(code, "content_filter")
            || Is(code, "contentFilter") || Is(innerCode, "ResponsibleAIPolicyViolation"))
        {
            return ImageGenerationErrorKind.ContentFiltered;
        }

        return status switch
        {
            400 or 422 => ImageGenerationErrorKind.InvalidRequest,
            401 => ImageGenerationErrorKind.Authentication,
            402 => ImageGenerationErrorKind.QuotaExceeded,
            403 => ImageGenerationErrorKind.PermissionDenied,
            404 => ImageGenerationErrorKind.NotFound,
            408 => ImageGenerationErrorKind.Timeout,

            // openai-python retries 409 (a conflicting concurrent operation), so it is treated as a transient server error.
            409 => ImageGenerationErrorKind.ServerError,
            429 => ImageGenerationErrorKind.RateLimited,
            >= 500 => ImageGenerationErrorKind.ServerError,
            >= 400 => ImageGenerationErrorKind.InvalidRequest,
            _ => ImageGenerationErrorKind.InvalidResponse,
        };
    }

    /// <summary>
    /// Gets whether <c>x-should-retry: true</c> may make a kind transient. An empty account, a refused prompt, a bad
    /// key, a missing permission or a spent budget fails the same way on every retry, whatever a gateway says.
    /// </summary>
    /// <param name="kind">The kind.</param>
    /// <returns><see langword="false"/> for kinds a retry cannot fix.</returns>
    internal static bool CanBecomeTransient(ImageGenerationErrorKind kind) => kind is not (ImageGenerationErrorKind.QuotaExceeded
        or ImageGenerationErrorKind.ContentFiltered
        or ImageGenerationErrorKind.Authentication
        or ImageGenerationErrorKind.PermissionDenied
        or ImageGenerationErrorKind.BudgetExceeded);

    /// <summary>Reads <c>retry-after-ms</c>, then <c>retry-after</c> (seconds or an HTTP date).</summary>
    /// <param name="headers">The response headers.</param>
    /// <param name="timeProvider">The clock an HTTP date is measured against.</param>
    /// <returns>The delay, or <see langword="null"/> when none was sent or it cannot be read.</returns>
    internal static TimeSpan? ReadRetryAfter(HttpResponseHeaders headers, TimeProvider timeProvider)
    {
        if (First(headers, "retry-after-ms") is { } milliseconds
            && double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 0 && ms < 1e9)
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        if (First(headers, "retry-after") is not { } retryAfter)
        {
            return null;
        }

        if (double.TryParse(retryAfter, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            return seconds is >= 0 and < 1e7 ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParseExact(retryAfter, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date)
            || DateTimeOffset.TryParse(retryAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            TimeSpan delay = date - timeProvider.GetUtcNow();
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }

        return null;
    }

    private static bool? ReadShouldRetry(HttpResponseHeaders headers) => First(headers, "x-should-retry")?.Trim() switch
    {
        { } v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        { } v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => null,
    };

    private static string? First(HttpResponseHeaders headers, string name)
        => headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    private static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"retry after (\d{1,6}) second", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex RetryAfterInMessage();
}
