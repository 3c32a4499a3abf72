namespace ImageGen.Sdk.Resilience;

/// <summary>
/// The one place retry and the circuit breaker decide whether a failure is transient. Decisions come from
/// <see cref="ImageGenerationException.Kind"/> and <see cref="ImageGenerationException.IsTransient"/> (providers set the
/// latter from the status, <c>x-should-retry</c> and truncated bodies), plus connection errors that escaped a provider.
/// </summary>
internal static class TransientFailures
{
    /// <summary>The <see cref="Exception.Data"/> key marking the failure of an open circuit.</summary>
    public const string CircuitOpenDataKey = "ImageGen.CircuitOpen";

    /// <summary>The <see cref="Exception.Data"/> key carrying the number of attempts a failed call made.</summary>
    public const string AttemptsDataKey = "ImageGen.Attempts";

    /// <summary>Gets whether trying the same provider again may succeed.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> for transient provider failures, connection failures and time-outs.</returns>
    public static bool IsTransient(Exception exception) => exception switch
    {
        // Billing, safety and credential failures never heal by repetition, whatever a header says; a retry would
        // only cost money or hammer a locked account.
        ImageGenerationException
        {
            Kind: ImageGenerationErrorKind.QuotaExceeded or ImageGenerationErrorKind.BudgetExceeded
            or ImageGenerationErrorKind.ContentFiltered or ImageGenerationErrorKind.Authentication
            or ImageGenerationErrorKind.PermissionDenied
        } => false,
        ImageGenerationException e => e.IsTransient,
        HttpRequestException or IOException => true,

        // HttpClient.Timeout surfaces as a cancellation wrapping a TimeoutException.
        OperationCanceledException { InnerException: TimeoutException } => true,
        _ => false,
    };

    /// <summary>Gets whether a failure says the provider is unhealthy, for the circuit breaker.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> for transient failures, except refusals of the local layers below the breaker
    /// (rate limiter, key rotation): a <see cref="ImageGenerationErrorKind.RateLimited"/> or
    /// <see cref="ImageGenerationErrorKind.Unavailable"/> without an HTTP status never reached the provider.</returns>
    public static bool CountsAgainstCircuit(Exception exception)
        => IsTransient(exception)
            && exception is not ImageGenerationException { StatusCode: null, Kind: ImageGenerationErrorKind.RateLimited or ImageGenerationErrorKind.Unavailable };

    /// <summary>Gets whether the failure is an open circuit, which retry must not wait out.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> when a circuit breaker rejected the call.</returns>
    public static bool IsCircuitOpen(Exception exception) => exception.Data[CircuitOpenDataKey] is true;

    /// <summary>Names the failure for logs: the kind, or the exception type.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>For example <c>RateLimited</c>.</returns>
    public static string Describe(Exception exception) => exception switch
    {
        ImageGenerationException e => e.Kind.ToString(),
        HttpRequestException or IOException => nameof(ImageGenerationErrorKind.Network),
        OperationCanceledException { InnerException: TimeoutException } => nameof(ImageGenerationErrorKind.Timeout),
        _ => exception.GetType().Name,
    };

    /// <summary>Gets the attempts a failed call recorded, or 0.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The attempts.</returns>
    public static int GetAttempts(Exception exception) => exception.Data[AttemptsDataKey] is int attempts ? attempts : 0;
}
