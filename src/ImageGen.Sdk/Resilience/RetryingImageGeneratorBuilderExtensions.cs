using ImageGen.Sdk.Resilience;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="RetryingImageGenerator"/> to a pipeline.</summary>
public static class RetryingImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Retries transient failures with backoff (Retry-After honoured) inside a total time-out. Place it above
    /// <see cref="CircuitBreakingImageGeneratorBuilderExtensions.UseCircuitBreaker"/> and
    /// <see cref="AttemptTimeoutImageGeneratorBuilderExtensions.UseAttemptTimeout"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>.</param>
    /// <param name="provider">The provider name, for logs and errors.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks><see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> are taken from the services when registered.</remarks>
    public static ImageGeneratorBuilder UseRetry(this ImageGeneratorBuilder builder, RetryOptions? options = null, string? provider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new RetryingImageGenerator(
            inner,
            options ?? new RetryOptions(),
            provider,
            (TimeProvider?)services.GetService(typeof(TimeProvider)),
            ((ILoggerFactory?)services.GetService(typeof(ILoggerFactory)))?.CreateLogger<RetryingImageGenerator>()));
    }
}
