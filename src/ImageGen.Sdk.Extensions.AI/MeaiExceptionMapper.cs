using System.Net.Http;

namespace ImageGen.Sdk.Extensions.AI;

/// <summary>
/// Classifies what a Microsoft.Extensions.AI generator throws into an <see cref="ImageGenerationException"/>, so the
/// stack's retry, breaker, key rotation and fallback decide from <see cref="ImageGenerationException.Kind"/> as they
/// do for built-in providers.
/// </summary>
internal static class MeaiExceptionMapper
{
    /// <summary>The exception to throw instead of <paramref name="error"/>, or <see langword="null"/> to let it pass unchanged.</summary>
    public static ImageGenerationException? Map(Exception error, string provider, Func<Exception, ImageGenerationException?>? classify, CancellationToken cancellationToken)
    {
        // The caller's own cancellation and caller mistakes stay what they are.
        if ((error is OperationCanceledException && cancellationToken.IsCancellationRequested) || error is ArgumentException or ImageGenerationException)
        {
            return null;
        }

        if (classify?.Invoke(error) is ImageGenerationException custom)
        {
            return custom;
        }

        return error switch
        {
            HttpRequestException { StatusCode: { } status } http => FromStatus((int)status, provider, http),
            HttpRequestException http => new ImageGenerationException(ImageGenerationErrorKind.Network, $"{provider}: {http.Message}", http) { Provider = provider },
            // Not the caller's token: an HttpClient time-out or the generator's own deadline.
            OperationCanceledException or TimeoutException => new ImageGenerationException(ImageGenerationErrorKind.Timeout, $"{provider}: the call timed out.", error) { Provider = provider },
            NotSupportedException => new ImageGenerationException(ImageGenerationErrorKind.InvalidRequest, $"{provider}: {error.Message}", error) { Provider = provider },
            // Unknown failures are not retried: repeating a bug costs money and time without helping.
            _ => new ImageGenerationException(ImageGenerationErrorKind.ServerError, $"{provider}: {error.Message}", error) { Provider = provider, IsTransient = false },
        };
    }

    private static ImageGenerationException FromStatus(int status, string provider, HttpRequestException error)
    {
        ImageGenerationErrorKind kind = status switch
        {
            401 => ImageGenerationErrorKind.Authentication,
            402 => ImageGenerationErrorKind.QuotaExceeded,
            403 => ImageGenerationErrorKind.PermissionDenied,
            404 => ImageGenerationErrorKind.NotFound,
            408 => ImageGenerationErrorKind.Timeout,
            409 => ImageGenerationErrorKind.ServerError,
            429 => ImageGenerationErrorKind.RateLimited,
            >= 500 => ImageGenerationErrorKind.ServerError,
            _ => ImageGenerationErrorKind.InvalidRequest,
        };
        return new ImageGenerationException(kind, $"{provider}: HTTP {status}: {error.Message}", error) { Provider = provider, StatusCode = status };
    }
}
