using ImageGen.Sdk.Validation;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="ValidatingImageGenerator"/> to a pipeline.</summary>
public static class ValidatingImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds request validation; place it first so bad input never reaches the cache or the network. The providers and
    /// their models are found through <c>GetService</c> on the pipeline below: a routing layer's catalog, else a single
    /// provider client's <see cref="ImageGeneratorMetadata"/>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ImageGeneratorBuilder UseValidation(this ImageGeneratorBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new ValidatingImageGenerator(inner));
    }
}
