namespace ImageGen.Sdk;

/// <summary>
/// What a model accepts: sizes, aspect ratios, images per call, prompt length. Used to validate requests before any
/// network call, to split large counts into several calls, and to adapt a request when falling back to another provider.
/// </summary>
public sealed class ImageModelCapabilities
{
    /// <summary>Initializes a new description of <paramref name="model"/>.</summary>
    /// <param name="model">The model id.</param>
    /// <exception cref="ArgumentException"><paramref name="model"/> is blank.</exception>
    public ImageModelCapabilities(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        Model = model;
    }

    /// <summary>Gets the model id.</summary>
    public string Model { get; }

    /// <summary>Gets the sizes the model accepts; empty when it accepts any size or the SDK does not know.</summary>
    public IReadOnlyList<ImageSize> SupportedSizes { get; init; } = [];

    /// <summary>
    /// Gets an extra rule for sizes outside <see cref="SupportedSizes"/> (for example "any size with sides divisible
    /// by 16"); <see langword="null"/> when only the listed sizes are accepted.
    /// </summary>
    public Func<ImageSize, bool>? CustomSizeRule { get; init; }

    /// <summary>Gets a human-readable description of <see cref="CustomSizeRule"/> for error messages.</summary>
    public string? CustomSizeRuleDescription { get; init; }

    /// <summary>Gets the aspect ratios the model accepts (for example <c>16:9</c>); empty when any or unknown.</summary>
    public IReadOnlyList<string> SupportedAspectRatios { get; init; } = [];

    /// <summary>Gets the size used when a request names none, when known.</summary>
    public ImageSize? DefaultSize { get; init; }

    /// <summary>Gets how many images one provider call may return; larger counts are split into parallel calls.</summary>
    public int MaxImagesPerCall { get; init; } = 10;

    /// <summary>Gets the longest prompt accepted, in characters; <see langword="null"/> when unknown.</summary>
    public int? MaxPromptLength { get; init; }

    /// <summary>Gets the quality values the model accepts; empty when any or unknown.</summary>
    public IReadOnlyList<ImageQuality> SupportedQualities { get; init; } = [];

    /// <summary>Gets a value indicating whether the model takes a style (DALL·E 3).</summary>
    public bool SupportsStyle { get; init; }

    /// <summary>Gets a value indicating whether the model takes a negative prompt.</summary>
    public bool SupportsNegativePrompt { get; init; }

    /// <summary>Gets a value indicating whether the model takes a seed.</summary>
    public bool SupportsSeed { get; init; }

    /// <summary>Gets a value indicating whether the model makes variations of an image (<see cref="ImageGenerationRequest.IsVariation"/>).</summary>
    public bool SupportsVariations { get; init; }

    /// <summary>Gets whether <paramref name="size"/> is accepted.</summary>
    /// <param name="size">The size.</param>
    /// <returns><see langword="true"/> when listed, allowed by the custom rule, or when no sizes are listed.</returns>
    public bool SupportsSize(ImageSize size)
    {
        if (SupportedSizes.Count == 0 && CustomSizeRule is null)
        {
            return true;
        }

        foreach (ImageSize supported in SupportedSizes)
        {
            if (supported == size)
            {
                return true;
            }
        }

        return CustomSizeRule?.Invoke(size) ?? false;
    }

    /// <summary>Describes the accepted sizes for an error message.</summary>
    /// <returns>For example <c>1024x1024, 1792x1024, 1024x1792</c>.</returns>
    public string DescribeSupportedSizes()
    {
        string listed = string.Join(", ", SupportedSizes);
        return CustomSizeRuleDescription is null ? listed
            : listed.Length == 0 ? CustomSizeRuleDescription
            : $"{listed}, or {CustomSizeRuleDescription}";
    }
}
