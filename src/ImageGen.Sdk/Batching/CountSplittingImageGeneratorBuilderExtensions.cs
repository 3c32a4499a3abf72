using ImageGen.Sdk.Batching;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="CountSplittingImageGenerator"/> to a pipeline.</summary>
public static class CountSplittingImageGeneratorBuilderExtensions
{
    /// <summary>Splits counts above the model's per-call limit into parallel calls and merges the results.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="provider">The provider's descriptor.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ImageGeneratorBuilder UseCountSplitting(this ImageGeneratorBuilder builder, ImageProviderDescriptor provider)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(provider);
        return builder.Use(inner => new CountSplittingImageGenerator(inner, provider));
    }
}
