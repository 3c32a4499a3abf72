using ImageGen.Sdk;
using ImageGen.Sdk.Extensions.AI;
using Meai = Microsoft.Extensions.AI;
using OurGenerator = ImageGen.Sdk.IImageGenerator;

// In Microsoft.Extensions.AI's namespace, next to the AsIImageGenerator() of other providers, so an app that imports
// only that namespace (and so never meets the clash of the two IImageGenerator names) finds both conversions.
namespace Microsoft.Extensions.AI;

/// <summary>Converts between ImageGen.Sdk's <see cref="OurGenerator"/> and Microsoft.Extensions.AI's <see cref="Meai.IImageGenerator"/>.</summary>
public static class ImageGenMeaiExtensions
{
    /// <summary>
    /// Exposes an ImageGen.Sdk generator (usually the whole stack) as a Microsoft.Extensions.AI image generator.
    /// Options map as follows: <c>Count</c>, <c>ImageSize</c>, <c>ModelId</c>, <c>MediaType</c> (as the output format),
    /// the <c>AdditionalProperties</c> keys in <see cref="MeaiAdditionalProperties"/> (others become provider options),
    /// and input images (<c>EditImagesAsync</c>) as <see cref="ImageGen.Sdk.ImageGenerationRequest.InputImages"/>. Results are
    /// <c>DataContent</c> images; the <see cref="ImageGenerationResult"/> is the response's <c>RawRepresentation</c>.
    /// </summary>
    /// <param name="generator">The ImageGen.Sdk generator.</param>
    /// <returns>A Microsoft.Extensions.AI generator that does not own <paramref name="generator"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    public static Meai.IImageGenerator AsMeaiImageGenerator(this OurGenerator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return new MeaiImageGenerator(generator);
    }

    /// <summary>
    /// Turns a Microsoft.Extensions.AI image generator into an ImageGen.Sdk provider client named
    /// <paramref name="name"/>, to compose by hand with <see cref="ImageGen.Sdk.ImageGeneratorBuilder"/> (under DI use
    /// <c>AddMeaiProvider</c>). Its failures become <see cref="ImageGenerationException"/>s with a <c>Kind</c>.
    /// </summary>
    /// <param name="generator">The Microsoft.Extensions.AI generator.</param>
    /// <param name="name">The provider name results and errors carry.</param>
    /// <param name="options">Describes the generator's models and classifies its exceptions; defaults when <see langword="null"/>.</param>
    /// <param name="timeProvider">Measures <see cref="ImageGenerationResult.Elapsed"/>; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <returns>A provider client that does not own <paramref name="generator"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or the options are invalid.</exception>
    public static OurGenerator AsImageGenProvider(this Meai.IImageGenerator generator, string name, MeaiProviderOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        options ??= new MeaiProviderOptions();
        options.Validate();
        return new MeaiProviderImageGenerator(generator, name.Trim(), options, timeProvider);
    }
}
