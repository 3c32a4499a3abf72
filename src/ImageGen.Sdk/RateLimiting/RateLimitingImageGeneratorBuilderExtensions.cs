using ImageGen.Sdk.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="RateLimitingImageGenerator"/> to a pipeline.</summary>
public static class RateLimitingImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds client-side rate limiting and provider-wide back-off. Place it inside retry (each attempt takes a
    /// permit) and above key rotation: with several keys the key layer cools a key whose provider reports 0 requests
    /// or tokens remaining, and this layer, finding it below through <c>GetService</c>, leaves those numbers to it.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="provider">The provider name, for messages and logs.</param>
    /// <param name="options">The limits; unset properties do not limit.</param>
    /// <param name="timeProvider">The clock; taken from the services, else <see cref="TimeProvider.System"/>, when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="provider"/> is blank or <paramref name="options"/> is invalid.</exception>
    public static ImageGeneratorBuilder UseRateLimiting(this ImageGeneratorBuilder builder, string provider, RateLimitOptions options, TimeProvider? timeProvider = null)
        => UseRateLimiting(builder, provider, options, sharedLimiter: null, timeProvider);

    /// <summary>
    /// Adds client-side rate limiting whose permits come from <paramref name="options"/> and then from
    /// <paramref name="sharedLimiter"/> (for example an app-wide limit shared by several providers). Disposing the
    /// built pipeline disposes the limiter created from <paramref name="options"/>, not <paramref name="sharedLimiter"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="provider">The provider name, for messages and logs.</param>
    /// <param name="options">The provider's own limits; unset properties do not limit.</param>
    /// <param name="sharedLimiter">A limiter shared with other pipelines, taken after the provider's own; the caller owns it.</param>
    /// <param name="timeProvider">The clock; taken from the services, else <see cref="TimeProvider.System"/>, when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="provider"/> is blank or <paramref name="options"/> is invalid.</exception>
    public static ImageGeneratorBuilder UseRateLimiting(
        this ImageGeneratorBuilder builder,
        string provider,
        RateLimitOptions options,
        System.Threading.RateLimiting.RateLimiter? sharedLimiter,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = [];
        options.Validate("RateLimit", errors);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        return builder.Use((inner, services) =>
        {
            TimeProvider clock = timeProvider ?? (TimeProvider?)services.GetService(typeof(TimeProvider)) ?? TimeProvider.System;
            ILogger? logger = ((ILoggerFactory?)services.GetService(typeof(ILoggerFactory)))?.CreateLogger<RateLimitingImageGenerator>();
            System.Threading.RateLimiting.RateLimiter? own = RateLimiterFactory.Create(options, clock);

            // The provider's own permit first: a provider refusal then never holds (or spends) an app-wide permit.
            System.Threading.RateLimiting.RateLimiter? limiter = RateLimiterFactory.Chain(own, sharedLimiter);
            RateLimitingImageGenerator generator = new(inner, provider, limiter, options.MaxWait, clock, logger);
            return own is null ? generator : new LimiterOwningImageGenerator(generator, own);
        });
    }
}
