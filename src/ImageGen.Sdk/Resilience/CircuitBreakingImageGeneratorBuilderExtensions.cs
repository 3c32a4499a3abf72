using ImageGen.Sdk.Resilience;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="CircuitBreakingImageGenerator"/> to a pipeline.</summary>
public static class CircuitBreakingImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds one provider's circuit breaker; place it below retry so every attempt counts. Does nothing when
    /// <see cref="CircuitBreakerOptions.Enabled"/> is <see langword="false"/> (unset, it adds the breaker: composing by
    /// hand, you decide where there is somewhere for the traffic to go).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The options; the defaults when <see langword="null"/>.</param>
    /// <param name="provider">The provider name, for logs and errors.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <remarks><see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> are taken from the services when registered.</remarks>
    public static ImageGeneratorBuilder UseCircuitBreaker(this ImageGeneratorBuilder builder, CircuitBreakerOptions? options = null, string? provider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        options ??= new CircuitBreakerOptions();
        if (options.Enabled == false)
        {
            return builder;
        }

        return builder.Use((inner, services) => new CircuitBreakingImageGenerator(
            inner,
            options,
            provider,
            (TimeProvider?)services.GetService(typeof(TimeProvider)),
            ((ILoggerFactory?)services.GetService(typeof(ILoggerFactory)))?.CreateLogger<CircuitBreakingImageGenerator>()));
    }
}
