using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// Maps an OpenAI or Azure OpenAI error response (status, <c>error</c> body, headers) to a kind, a code, a
/// transience and a delay, per the mapping table in the provider reference. The toolkit builds the exception.
/// </summary>
internal static partial class OpenAIErrorClassifier
{
    /// <summary>Maps an error response.</summary>
    /// <param name="response">The error response.</param>
    /// <param name="error">The parsed <c>error</c> object, or <see langword="null"/> when the body was not the error JSON.</param>
    /// <returns>The mapping.</returns>
    public static Mapping Map(ProviderErrorResponse response, OpenAIError? error)
    {
        string? code = error?.CodeText;
        string? type = error?.Type;
        string? innerCode = error?.InnerError?.Code;
        ImageGenerationErrorKind kind = Classify(response.StatusCode, code, type, innerCode);

        TimeSpan? retryAfter = response.RetryAfter;
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
        if (ReadShouldRetry(response.Headers) is bool shouldRetry && (!shouldRetry || CanBecomeTransient(kind)))
        {
            transient = shouldRetry;
        }

        return new Mapping(kind, code ?? type ?? innerCode, transient, retryAfter);
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
            // openai-python retries 409 (a conflicting concurrent operation), so it is a transient server error
            // here, and 503 stays a server error as OpenAI has always reported it.
            409 or 503 => ImageGenerationErrorKind.ServerError,
            _ => ProviderErrorKinds.FromStatus(status),
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

    private static bool? ReadShouldRetry(HttpResponseHeaders headers)
        => (headers.TryGetValues("x-should-retry", out IEnumerable<string>? values) ? values.FirstOrDefault() : null)?.Trim() switch
        {
            { } v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            { } v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            _ => null,
        };

    private static bool Is(string? value, string expected) => string.Equals(value, expected, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"retry after (\d{1,6}) second", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex RetryAfterInMessage();

    /// <summary>How an error response maps.</summary>
    /// <param name="Kind">The kind.</param>
    /// <param name="Code">The provider error code (<c>code</c>, else <c>type</c>, else Azure's inner code).</param>
    /// <param name="IsTransient">Whether a retry may succeed.</param>
    /// <param name="RetryAfter">The delay asked for.</param>
    internal readonly record struct Mapping(ImageGenerationErrorKind Kind, string? Code, bool IsTransient, TimeSpan? RetryAfter);
}
