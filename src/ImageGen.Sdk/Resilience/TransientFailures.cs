namespace ImageGen.Sdk.Resilience;

/// <summary>
/// The one place retry and the circuit breaker decide whether a failure is transient, whether it says the provider
/// is unhealthy, and whether it never reached the provider at all.
/// </summary>
/// <remarks>
/// The rule: the provider's <see cref="ImageGenerationException.IsTransient"/> (set from the status, OpenAI's
/// <c>x-should-retry</c> header where sent, and truncated bodies) decides for every kind, including 400, 404, 409 and
/// 422 — except the billing, safety and credential kinds <see cref="ImageGenerationErrorKind.QuotaExceeded"/>,
/// <see cref="ImageGenerationErrorKind.BudgetExceeded"/>, <see cref="ImageGenerationErrorKind.ContentFiltered"/>,
/// <see cref="ImageGenerationErrorKind.Authentication"/> and <see cref="ImageGenerationErrorKind.PermissionDenied"/>,
/// which are never transient whatever the header says. Connection errors that escaped a provider are transient.
/// </remarks>
internal static class TransientFailures
{
    /// <summary>Gets whether trying the same provider again may succeed.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The provider's <see cref="ImageGenerationException.IsTransient"/>, except <see langword="false"/> for
    /// quota, budget, content-filter, authentication and permission failures; <see langword="true"/> for connection
    /// failures and an <c>HttpClient.Timeout</c>.</returns>
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
        _ => IsHttpClientTimeout(exception),
    };

    /// <summary>Gets whether the failure is a refusal of a local layer (rate limiter, key rotation, circuit breaker,
    /// budget, quota) that never reached the provider: <see cref="ImageGenerationException.IsLocalRefusal"/>.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> when the call never reached the provider because a local layer refused it.</returns>
    public static bool IsLocalRefusal(Exception exception)
        => exception is ImageGenerationException { IsLocalRefusal: true };

    /// <summary>Gets whether a failure says the provider is unhealthy, for the circuit breaker.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> for server errors, time-outs and network failures whatever
    /// <see cref="ImageGenerationException.IsTransient"/> says (a 5xx with <c>x-should-retry: false</c> is still a
    /// failing provider), and for other transient failures; <see langword="false"/> for local refusals
    /// (<see cref="IsLocalRefusal"/>), which never reached the provider.</returns>
    public static bool CountsAgainstCircuit(Exception exception) => exception switch
    {
        ImageGenerationException { Kind: ImageGenerationErrorKind.ServerError or ImageGenerationErrorKind.Timeout or ImageGenerationErrorKind.Network } => true,
        _ => IsTransient(exception) && !IsLocalRefusal(exception),
    };

    /// <summary>Gets whether a failure says nothing about the provider's health because the call did not get an
    /// answer from it: a cancellation (the caller's or a time-out's above) or a local refusal (a budget refusal is one).</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> when the outcome is no verdict on the provider.</returns>
    public static bool IsInconclusive(Exception exception)
        => (exception is OperationCanceledException && !IsHttpClientTimeout(exception)) || IsLocalRefusal(exception);

    /// <summary>Gets whether the failure is an <c>HttpClient.Timeout</c>, which surfaces as a cancellation wrapping a
    /// <see cref="TimeoutException"/>.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns><see langword="true"/> for such a cancellation.</returns>
    public static bool IsHttpClientTimeout(Exception exception) => exception is OperationCanceledException { InnerException: TimeoutException };

    /// <summary>Names the failure for logs: the kind, or the exception type.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>For example <c>RateLimited</c>.</returns>
    public static string Describe(Exception exception) => exception switch
    {
        ImageGenerationException e => e.Kind.ToString(),
        HttpRequestException or IOException => nameof(ImageGenerationErrorKind.Network),
        _ when IsHttpClientTimeout(exception) => nameof(ImageGenerationErrorKind.Timeout),
        _ => exception.GetType().Name,
    };

    /// <summary>Gets the attempts a failed call recorded, or 0.</summary>
    /// <param name="exception">The failure.</param>
    /// <returns>The attempts.</returns>
    public static int GetAttempts(Exception exception) => exception is ImageGenerationException e ? e.Attempts : 0;
}
