using ImageGen.Sdk.Resilience;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="FallbackImageGenerator"/> to a pipeline.</summary>
public static class FallbackImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Moves a request to the next provider of <see cref="FallbackOptions.Providers"/> when its provider fails after its
    /// retries. The generator below must route by <see cref="ImageGenerationRequest.Provider"/> and answer
    /// <c>GetService(typeof(IImageProviderCatalog))</c>, as <see cref="Providers.ProviderRoutingImageGenerator"/> does.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The fallback order and rules.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The generator below has no catalog, or lacks a listed provider (at build time).</exception>
    public static ImageGeneratorBuilder UseFallback(this ImageGeneratorBuilder builder, FallbackOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.Use((inner, services) => new FallbackImageGenerator(
            inner,
            options,
            ((ILoggerFactory?)services.GetService(typeof(ILoggerFactory)))?.CreateLogger<FallbackImageGenerator>()));
    }
}
