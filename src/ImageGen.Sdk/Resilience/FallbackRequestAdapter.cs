using System.Globalization;

namespace ImageGen.Sdk.Resilience;

/// <summary>
/// Rewrites a request for a fallback provider's model, noting each change as a warning: the model becomes the one
/// <see cref="FallbackOptions.ModelMap"/> names for the provider, else its default; the size and aspect ratio follow
/// what that model takes; a style or quality it does not take is dropped.
/// </summary>
/// <remarks>Kept apart from <see cref="FallbackImageGenerator"/>, which only walks the chain of providers, so the
/// geometry of sizes and ratios can be read and tested on its own.</remarks>
internal sealed class FallbackRequestAdapter
{
    private readonly IDictionary<string, string> _modelMap;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="modelMap">The model to use on each provider, by provider name.</param>
    public FallbackRequestAdapter(IDictionary<string, string> modelMap) => _modelMap = modelMap;

    /// <summary>Rewrites a request for a fallback provider, noting each change in <paramref name="warnings"/>.</summary>
    public ImageGenerationRequest Adapt(ImageGenerationRequest request, ImageProviderDescriptor from, ImageProviderDescriptor to, List<string> warnings)
    {
        _modelMap.TryGetValue(to.Name, out string? mapped);
        string model = string.IsNullOrWhiteSpace(mapped) ? to.DefaultModel : mapped;
        string fromModel = request.Model ?? from.DefaultModel;
        if (!string.Equals(fromModel, model, StringComparison.OrdinalIgnoreCase))
        {
            warnings.Add($"Model '{fromModel}' replaced by '{model}' on '{to.Name}'.");
        }

        ImageGenerationRequest adapted = request with { Provider = to.Name, Model = string.IsNullOrWhiteSpace(mapped) ? null : mapped };
        ImageModelCapabilities? capabilities = to.GetModel(model);
        if (capabilities is null)
        {
            // A model the SDK does not know: pass the rest through, as validation does.
            return adapted;
        }

        adapted = AdaptShape(adapted, capabilities, $"'{to.Name}' model '{model}'", warnings);

        if (request.Style is { } style && !capabilities.SupportsStyle)
        {
            adapted = adapted with { Style = null };
            warnings.Add($"Style '{style}' dropped: '{to.Name}' model '{model}' does not take a style.");
        }

        if (request.Quality is { } quality && capabilities.SupportedQualities.Count > 0 && !capabilities.SupportedQualities.Contains(quality))
        {
            adapted = adapted with { Quality = null };
            warnings.Add($"Quality '{quality}' dropped: '{to.Name}' model '{model}' accepts {string.Join(", ", capabilities.SupportedQualities)}.");
        }

        return adapted;
    }

    /// <summary>
    /// Fits the size and aspect ratio to what the target takes. A target that lists aspect ratios and neither lists
    /// sizes nor has a size rule takes a ratio only (Gemini-like): a size becomes the nearest supported ratio. A target
    /// that lists sizes but no aspect ratios takes a size only (the OpenAI models): a ratio becomes the nearest listed
    /// size, the one of closest ratio and, among those, closest in area to the target's default size (1024x1024 when
    /// unknown). Otherwise each is fitted on its own: an unsupported size to the nearest listed size, an unsupported
    /// ratio to the nearest listed ratio; a target that lists neither (any size, any ratio) gets both unchanged.
    /// </summary>
    private static ImageGenerationRequest AdaptShape(ImageGenerationRequest request, ImageModelCapabilities capabilities, string target, List<string> warnings)
    {
        bool takesRatio = capabilities.SupportedAspectRatios.Count > 0;
        bool ratioOnly = takesRatio && capabilities.SupportedSizes.Count == 0 && capabilities.CustomSizeRule is null;
        bool sizeOnly = !takesRatio && capabilities.SupportedSizes.Count > 0;
        ImageGenerationRequest adapted = request;

        if (ratioOnly && request.Size is { } size)
        {
            adapted = adapted with { Size = null };
            if (request.AspectRatio is { } kept)
            {
                warnings.Add($"Size {size} dropped: {target} takes an aspect ratio, not a size (aspect ratio {kept} requested).");
            }
            else
            {
                string? converted = NearestAspectRatio((double)size.Width / size.Height, capabilities.SupportedAspectRatios);
                adapted = adapted with { AspectRatio = converted };
                warnings.Add(converted is null
                    ? $"Size {size} dropped: {target} takes an aspect ratio, not a size; using its default."
                    : $"Size {size} converted to aspect ratio {converted}: {target} takes an aspect ratio, not a size.");
                return adapted;
            }
        }

        if (sizeOnly && request.AspectRatio is { } ratio)
        {
            adapted = adapted with { AspectRatio = null };
            if (request.Size is { } kept)
            {
                warnings.Add($"Aspect ratio {ratio} dropped: {target} takes a size, not an aspect ratio (size {kept} requested).");
            }
            else
            {
                ImageSize reference = capabilities.DefaultSize ?? new ImageSize(1024, 1024);
                ImageSize? converted = ParseRatio(ratio) is { } value ? NearestSize(value, reference.Pixels, capabilities.SupportedSizes) : null;
                adapted = adapted with { Size = converted };
                warnings.Add(converted is null
                    ? $"Aspect ratio {ratio} dropped: {target} takes a size, not an aspect ratio; using its default size."
                    : $"Aspect ratio {ratio} converted to size {converted}: {target} takes a size, not an aspect ratio.");
                return adapted;
            }
        }

        if (adapted.Size is { } requested && !capabilities.SupportsSize(requested))
        {
            ImageSize? nearest = NearestSize(requested, capabilities.SupportedSizes);
            adapted = adapted with { Size = nearest };
            warnings.Add(nearest is null
                ? $"Size {requested} is not supported by {target}; using its default size."
                : $"Size {requested} is not supported by {target}; using {nearest}.");
        }

        if (adapted.AspectRatio is { } wanted && takesRatio && !capabilities.SupportedAspectRatios.Contains(wanted, StringComparer.Ordinal))
        {
            string? nearest = ParseRatio(wanted) is { } value ? NearestAspectRatio(value, capabilities.SupportedAspectRatios) : null;
            adapted = adapted with { AspectRatio = nearest };
            warnings.Add(nearest is null
                ? $"Aspect ratio {wanted} is not supported by {target}; using its default."
                : $"Aspect ratio {wanted} is not supported by {target}; using {nearest}.");
        }

        return adapted;
    }

    /// <summary>The supported size closest in aspect ratio, then in area (compared on a log scale, so 2× and ½ are equally far).</summary>
    internal static ImageSize? NearestSize(ImageSize size, IReadOnlyList<ImageSize> supported)
        => NearestSize((double)size.Width / size.Height, size.Pixels, supported);

    /// <summary>The supported size closest to the ratio <paramref name="ratio"/> (width / height), then to <paramref name="pixels"/> in area.</summary>
    internal static ImageSize? NearestSize(double ratio, long pixels, IReadOnlyList<ImageSize> supported)
    {
        ImageSize? best = null;
        (double Ratio, double Area) bestDistance = (double.MaxValue, double.MaxValue);
        double logRatio = Math.Log(ratio);
        double logArea = Math.Log(pixels);
        foreach (ImageSize candidate in supported)
        {
            // Rounded so that sizes of the same ratio tie on it and the area decides.
            double ratioDistance = Math.Round(Math.Abs(Math.Log((double)candidate.Width / candidate.Height) - logRatio), 6);
            double areaDistance = Math.Abs(Math.Log(candidate.Pixels) - logArea);
            if (ratioDistance < bestDistance.Ratio || (ratioDistance == bestDistance.Ratio && areaDistance < bestDistance.Area))
            {
                best = candidate;
                bestDistance = (ratioDistance, areaDistance);
            }
        }

        return best;
    }

    /// <summary>The supported aspect ratio closest to <paramref name="ratio"/> (log scale); <see langword="null"/> when none parses.</summary>
    internal static string? NearestAspectRatio(string ratio, IReadOnlyList<string> supported)
        => ParseRatio(ratio) is { } wanted ? NearestAspectRatio(wanted, supported) : null;

    /// <summary>The supported aspect ratio closest to <paramref name="ratio"/> (width / height, log scale); <see langword="null"/> when none parses.</summary>
    internal static string? NearestAspectRatio(double ratio, IReadOnlyList<string> supported)
    {
        string? best = null;
        double bestDistance = double.MaxValue;
        foreach (string candidate in supported)
        {
            if (ParseRatio(candidate) is { } value && Math.Abs(Math.Log(value) - Math.Log(ratio)) is var distance && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static double? ParseRatio(string ratio)
    {
        int colon = ratio.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && double.TryParse(ratio.AsSpan(0, colon), NumberStyles.Float, CultureInfo.InvariantCulture, out double w) && w > 0
            && double.TryParse(ratio.AsSpan(colon + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double h) && h > 0
            ? w / h
            : null;
    }
}
