namespace ImageGen.Sdk;

/// <summary>
/// A provider or a layer failed a generation. Carries a provider-neutral <see cref="Kind"/> plus the provider's
/// own details (status, error code, request id) for support tickets.
/// </summary>
/// <remarks>Messages never contain an API key: providers build them from the error body, which never echoes keys,
/// and keys appear elsewhere only as fingerprints.</remarks>
public class ImageGenerationException : Exception
{
    /// <summary>Initializes a new instance with kind <see cref="ImageGenerationErrorKind.ServerError"/>.</summary>
    public ImageGenerationException()
        : this(ImageGenerationErrorKind.ServerError, "Image generation failed.")
    {
    }

    /// <summary>Initializes a new instance with kind <see cref="ImageGenerationErrorKind.ServerError"/>.</summary>
    /// <param name="message">The message.</param>
    public ImageGenerationException(string message)
        : this(ImageGenerationErrorKind.ServerError, message)
    {
    }

    /// <summary>Initializes a new instance with kind <see cref="ImageGenerationErrorKind.ServerError"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ImageGenerationException(string message, Exception? innerException)
        : this(ImageGenerationErrorKind.ServerError, message, innerException)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="kind">What went wrong.</param>
    /// <param name="message">The message (never containing a secret).</param>
    /// <param name="innerException">The cause.</param>
    public ImageGenerationException(ImageGenerationErrorKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        IsTransient = IsTransientKind(kind);
    }

    /// <summary>Gets what went wrong.</summary>
    public ImageGenerationErrorKind Kind { get; }

    /// <summary>Gets the name of the provider that failed, when a provider failed.</summary>
    public string? Provider { get; init; }

    /// <summary>Gets the HTTP status code, when the failure came from an HTTP response.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Gets the provider's error code (for example <c>rate_limit_exceeded</c>), when sent.</summary>
    public string? ProviderErrorCode { get; init; }

    /// <summary>Gets the provider's request id (for example OpenAI's <c>x-request-id</c>), when sent.</summary>
    public string? ProviderRequestId { get; init; }

    /// <summary>Gets how long the provider or layer asked to wait before trying again, when known.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Gets the rate-limit state the provider reported with the failed response (for example a 429), when it reports any.</summary>
    public ProviderRateLimitInfo? RateLimit { get; init; }

    /// <summary>
    /// Gets a value indicating whether trying again may succeed. Defaults from <see cref="Kind"/>; a provider
    /// overrides it where the wire says otherwise (OpenAI's <c>x-should-retry</c>, a truncated body).
    /// </summary>
    public bool IsTransient { get; init; }

    /// <summary>
    /// Gets a value indicating whether a local layer refused the call before it reached the provider: the client-side
    /// rate limiter, the key pool, an open circuit, a budget or a user quota.
    /// </summary>
    /// <remarks>
    /// Retry stops at a local refusal (the layer already waited as long as it was allowed to) and the circuit breaker
    /// never counts one as a provider failure. Providers leave it <see langword="false"/>: whatever they report came
    /// from the provider, with or without an HTTP status.
    /// </remarks>
    /// <value><see langword="false"/>.</value>
    public bool IsLocalRefusal { get; init; }

    /// <summary>
    /// Gets or sets how many provider attempts the failed call made, counted by the retry layer (the most any part
    /// needed when a call was split); 0 when no retry layer counted them or nothing was sent.
    /// </summary>
    /// <value>0.</value>
    public int Attempts { get; set; }

    /// <summary>Gets whether a kind is transient by default.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns><see langword="true"/> for rate limits, server errors, time-outs, network failures and unavailability.</returns>
    public static bool IsTransientKind(ImageGenerationErrorKind kind) => kind is ImageGenerationErrorKind.RateLimited
        or ImageGenerationErrorKind.ServerError
        or ImageGenerationErrorKind.Timeout
        or ImageGenerationErrorKind.Network
        or ImageGenerationErrorKind.Unavailable;
}
