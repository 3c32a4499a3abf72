using ImageGen.Sdk.Batching;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="CountSplittingImageGenerator"/> to a pipeline.</summary>
public static class CountSplittingImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Splits counts above the model's per-call limit into parallel calls and merges the results. The limits come from
    /// the <see cref="ImageGeneratorMetadata"/> the pipeline below answers through <c>GetService</c>.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ImageGeneratorBuilder UseCountSplitting(this ImageGeneratorBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new CountSplittingImageGenerator(inner));
    }
}
