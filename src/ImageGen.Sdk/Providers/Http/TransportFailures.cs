namespace ImageGen.Sdk.Providers;

/// <summary>Maps a failure of the HTTP exchange itself (no usable response) to an <see cref="ImageGenerationException"/>.</summary>
internal static class TransportFailures
{
    /// <summary>Maps a transport failure.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="exception">What was thrown.</param>
    /// <param name="stage">What the client was doing, for the message ("sending the request").</param>
    /// <param name="redact">Removes keys from the message.</param>
    /// <param name="requestId">The provider's request id, when a response had arrived.</param>
    /// <param name="rateLimit">The rate-limit state the response headers reported.</param>
    /// <param name="cancellationToken">The caller's token: its cancellation is rethrown as is.</param>
    /// <returns>
    /// <see cref="ImageGenerationErrorKind.Timeout"/> for a cancellation the caller did not ask for (the client's own
    /// time-out), <see cref="ImageGenerationErrorKind.Network"/> for a connection failure; <see langword="null"/>
    /// (rethrow) for the caller's cancellation and anything else.
    /// </returns>
    public static ImageGenerationException? Translate(
        string provider,
        Exception exception,
        string stage,
        Func<string, string> redact,
        string? requestId,
        ProviderRateLimitInfo? rateLimit,
        CancellationToken cancellationToken) => exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            OperationCanceledException => new ImageGenerationException(ImageGenerationErrorKind.Timeout, $"{provider} timed out while {stage}.", exception)
            {
                Provider = provider,
                ProviderRequestId = requestId,
                RateLimit = rateLimit,
            },
            HttpRequestException or IOException => new ImageGenerationException(
                ImageGenerationErrorKind.Network,
                $"{provider} could not be reached or the connection failed while {stage}: {redact(exception.Message)}",
                exception)
            {
                Provider = provider,
                ProviderRequestId = requestId,
                RateLimit = rateLimit,
            },
            _ => null,
        };
}
