namespace ImageGen.Sdk.Providers;

/// <summary>The default mapping of an HTTP error status to an <see cref="ImageGenerationErrorKind"/>, which providers refine from their error codes.</summary>
public static class ProviderErrorKinds
{
    /// <summary>Maps a status to the kind most providers mean by it.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <returns>
    /// 400, 409, 422 and other 4xx <see cref="ImageGenerationErrorKind.InvalidRequest"/>, 404
    /// <see cref="ImageGenerationErrorKind.NotFound"/>, 401 <see cref="ImageGenerationErrorKind.Authentication"/>,
    /// 402 <see cref="ImageGenerationErrorKind.QuotaExceeded"/>, 403 <see cref="ImageGenerationErrorKind.PermissionDenied"/>,
    /// 408 <see cref="ImageGenerationErrorKind.Timeout"/>, 429 <see cref="ImageGenerationErrorKind.RateLimited"/>,
    /// 503 <see cref="ImageGenerationErrorKind.Unavailable"/>, other 5xx <see cref="ImageGenerationErrorKind.ServerError"/>;
    /// anything else <see cref="ImageGenerationErrorKind.InvalidResponse"/>.
    /// </returns>
    public static ImageGenerationErrorKind FromStatus(int statusCode) => statusCode switch
    {
        401 => ImageGenerationErrorKind.Authentication,
        402 => ImageGenerationErrorKind.QuotaExceeded,
        403 => ImageGenerationErrorKind.PermissionDenied,
        404 => ImageGenerationErrorKind.NotFound,
        408 => ImageGenerationErrorKind.Timeout,
        429 => ImageGenerationErrorKind.RateLimited,
        503 => ImageGenerationErrorKind.Unavailable,
        >= 500 and < 600 => ImageGenerationErrorKind.ServerError,
        >= 400 and < 500 => ImageGenerationErrorKind.InvalidRequest,
        _ => ImageGenerationErrorKind.InvalidResponse,
    };
}
