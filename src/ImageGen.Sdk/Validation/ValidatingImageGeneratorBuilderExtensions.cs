using ImageGen.Sdk.Validation;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="ValidatingImageGenerator"/> to a pipeline.</summary>
public static class ValidatingImageGeneratorBuilderExtensions
{
    /// <summary>Adds request validation; place it first so bad input never reaches the cache or the network.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="catalog">The configured providers; when <see langword="null"/> one is taken from the services, if registered.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ImageGeneratorBuilder UseValidation(this ImageGeneratorBuilder builder, IImageProviderCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new ValidatingImageGenerator(
            inner, catalog ?? (IImageProviderCatalog?)services.GetService(typeof(IImageProviderCatalog))));
    }
}
