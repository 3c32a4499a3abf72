using ImageGen.Sdk.Resilience;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="AttemptTimeoutImageGenerator"/> to a pipeline.</summary>
public static class AttemptTimeoutImageGeneratorBuilderExtensions
{
    /// <summary>Abandons a provider attempt after <paramref name="timeout"/> as a retryable time-out; place it below the circuit breaker.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="timeout">How long one attempt may take (10 ms to 24 h).</param>
    /// <param name="provider">The provider name, for errors.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is out of range.</exception>
    /// <remarks>The <see cref="TimeProvider"/> is taken from the services when registered.</remarks>
    public static ImageGeneratorBuilder UseAttemptTimeout(this ImageGeneratorBuilder builder, TimeSpan timeout, string? provider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.FromMilliseconds(10));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, TimeSpan.FromHours(24));
        return builder.Use((inner, services) => new AttemptTimeoutImageGenerator(
            inner, timeout, provider, (TimeProvider?)services.GetService(typeof(TimeProvider))));
    }
}
