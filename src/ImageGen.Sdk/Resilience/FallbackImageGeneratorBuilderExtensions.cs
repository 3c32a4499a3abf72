using ImageGen.Sdk.Resilience;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="FallbackImageGenerator"/> to a pipeline.</summary>
public static class FallbackImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Moves a request to the next provider of <see cref="FallbackOptions.Providers"/> when its provider fails after its
    /// retries. The generator below must route by <see cref="ImageGenerationRequest.Provider"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">The fallback order and rules.</param>
    /// <param name="catalog">The configured providers; taken from the services when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">No catalog is given or registered (at build time).</exception>
    public static ImageGeneratorBuilder UseFallback(this ImageGeneratorBuilder builder, FallbackOptions options, IImageProviderCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return builder.Use((inner, services) => new FallbackImageGenerator(
            inner,
            catalog ?? (IImageProviderCatalog?)services.GetService(typeof(IImageProviderCatalog))
                ?? throw new InvalidOperationException("UseFallback needs an IImageProviderCatalog: pass one or register it."),
            options,
            ((ILoggerFactory?)services.GetService(typeof(ILoggerFactory)))?.CreateLogger<FallbackImageGenerator>()));
    }
}
