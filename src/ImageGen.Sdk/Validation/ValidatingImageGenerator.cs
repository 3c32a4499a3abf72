using System.Globalization;

namespace ImageGen.Sdk.Validation;

/// <summary>
/// The outermost layer: rejects caller mistakes with <see cref="ArgumentException"/> before any cache look-up or
/// network call (empty prompt, count outside 1..10, <see cref="ImageGenerationRequest.MaxRetries"/> outside
/// 0..<see cref="RetryOptions.MaxRetriesLimit"/>, unknown provider, a size or prompt length the model does not
/// accept). Models the SDK does not know pass through unvalidated, so new models work on day one.
/// </summary>
/// <remarks>
/// It learns the providers from the pipeline below it, once, when it is created: the provider catalog of a routing
/// layer (<c>GetService(typeof(IImageProviderCatalog))</c>, what <c>AddImageGeneration()</c> composes), else the
/// <see cref="ImageGeneratorMetadata"/> of a single provider client, whose models it then checks whatever provider a
/// request names. So <c>new ImageGeneratorBuilder(client).UseValidation()</c> is as strict as the DI stack. A custom
/// layer in between that implements <see cref="IImageGenerator"/> directly must forward <c>GetService</c> (deriving from
/// <see cref="DelegatingImageGenerator"/> does), or only the provider-independent checks run.
/// </remarks>
public sealed class ValidatingImageGenerator : DelegatingImageGenerator
{
    /// <summary>The largest <see cref="ImageGenerationRequest.Count"/> accepted.</summary>
    public const int MaxCount = 10;

    private readonly IImageProviderCatalog? _catalog;
    private readonly ImageProviderDescriptor? _single;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="innerGenerator">The generator valid requests go to; the providers and their models are asked of it (see the remarks).</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    public ValidatingImageGenerator(IImageGenerator innerGenerator)
        : base(innerGenerator)
    {
        _catalog = innerGenerator.GetService<IImageProviderCatalog>();
        if (_catalog is null && innerGenerator.GetService<ImageGeneratorMetadata>() is { } metadata)
        {
            _single = metadata.ToDescriptor();
        }
    }

    /// <inheritdoc />
    public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        if (_single is null)
        {
            Validate(request, _catalog);
        }
        else
        {
            ValidateRequest(request);
            ValidateModel(request, _single);
        }

        return base.GenerateAsync(request, cancellationToken);
    }

    /// <summary>Checks a request; throws on the first mistake.</summary>
    /// <param name="request">The request.</param>
    /// <param name="catalog">The configured providers, or <see langword="null"/> to skip provider checks.</param>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The request is invalid; the message names the field.</exception>
    internal static void Validate(ImageGenerationRequest request, IImageProviderCatalog? catalog)
    {
        ValidateRequest(request);
        if (catalog is not null)
        {
            ValidateModel(request, catalog.ResolveProvider(request));
        }
    }

    /// <summary>The checks that need no provider.</summary>
    private static void ValidateRequest(ImageGenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.IsVariation)
        {
            ValidateVariation(request);
        }
        else if (string.IsNullOrWhiteSpace(request.Prompt))
        {
            throw new ArgumentException("Prompt must not be empty or white space.", $"{nameof(request)}.{nameof(request.Prompt)}");
        }

        if (request.Count is < 1 or > MaxCount)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Count must be between 1 and {MaxCount}; it was {request.Count}."),
                $"{nameof(request)}.{nameof(request.Count)}");
        }

        // The same ceiling as ImageGeneration:Retry:MaxRetries, so a request cannot buy more attempts than
        // configuration is allowed to.
        if (request.MaxRetries is < 0 or > RetryOptions.MaxRetriesLimit)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"MaxRetries must be between 0 and {RetryOptions.MaxRetriesLimit}; it was {request.MaxRetries}."),
                $"{nameof(request)}.{nameof(request.MaxRetries)}");
        }

        if (request.AspectRatio is not null && !IsAspectRatio(request.AspectRatio))
        {
            throw new ArgumentException($"AspectRatio '{request.AspectRatio}' is not of the form W:H, for example 16:9.", $"{nameof(request)}.{nameof(request.AspectRatio)}");
        }

        if (request.InputImages is not null)
        {
            for (int i = 0; i < request.InputImages.Count; i++)
            {
                if (request.InputImages[i] is null)
                {
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"InputImages[{i}] is null."), $"{nameof(request)}.{nameof(request.InputImages)}");
                }
            }
        }

        if (request.Mask is not null && request.InputImages is not { Count: > 0 })
        {
            throw new ArgumentException("A Mask needs at least one image in InputImages.", $"{nameof(request)}.{nameof(request.Mask)}");
        }

    }

    private static void ValidateVariation(ImageGenerationRequest request)
    {
        if (!string.IsNullOrEmpty(request.Prompt))
        {
            // Sent nowhere, so a prompt here would only split the cache: refuse it rather than ignore it.
            throw new ArgumentException("A variation takes no prompt; Prompt must be empty (use ImageGenerationRequest.VariationOf).", $"{nameof(request)}.{nameof(request.Prompt)}");
        }

        if (request.InputImages is not { Count: 1 })
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A variation needs exactly one image in InputImages; it has {request.InputImages?.Count ?? 0}."),
                $"{nameof(request)}.{nameof(request.InputImages)}");
        }

        if (request.Mask is not null)
        {
            throw new ArgumentException("A variation takes no Mask.", $"{nameof(request)}.{nameof(request.Mask)}");
        }
    }

    /// <summary>
    /// Refuses a variation for a model that makes none; a model the SDK does not know passes when the provider has any
    /// model that makes variations, and is refused when it has none.
    /// </summary>
    internal static void ValidateVariationSupport(ImageGenerationRequest request, string providerName, ImageModelCapabilities? model, IEnumerable<ImageModelCapabilities> providerModels)
    {
        if (!request.IsVariation || model is { SupportsVariations: true })
        {
            return;
        }

        string[] capable = providerModels.Where(m => m.SupportsVariations).Select(m => m.Model).ToArray();
        if (model is null && capable.Length > 0)
        {
            return;
        }

        throw new ArgumentException(
            capable.Length == 0
                ? $"{providerName} makes no image variations."
                : $"{providerName} model '{model!.Model}' makes no image variations. Models that do: {string.Join(", ", capable)}.",
            $"{nameof(request)}.{nameof(request.IsVariation)}");
    }

    /// <summary>The checks of what the provider's model accepts; a model the SDK does not know passes.</summary>
    private static void ValidateModel(ImageGenerationRequest request, ImageProviderDescriptor provider)
    {
        ImageModelCapabilities? model = provider.GetModel(request.Model);
        ValidateVariationSupport(request, provider.Name, model, provider.KnownModels);
        if (model is null)
        {
            return;
        }

        if (request.Size is { } size && !model.SupportsSize(size))
        {
            throw new ArgumentException(
                $"Size {size} is not supported by {provider.Name} model '{model.Model}'. Supported sizes: {model.DescribeSupportedSizes()}.",
                $"{nameof(request)}.{nameof(request.Size)}");
        }

        if (request.AspectRatio is not null && model.SupportedAspectRatios.Count > 0
            && !model.SupportedAspectRatios.Contains(request.AspectRatio, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"AspectRatio {request.AspectRatio} is not supported by {provider.Name} model '{model.Model}'. Supported: {string.Join(", ", model.SupportedAspectRatios)}.",
                $"{nameof(request)}.{nameof(request.AspectRatio)}");
        }

        if (request.Quality is { } quality && model.SupportedQualities.Count > 0 && !model.SupportedQualities.Contains(quality))
        {
            throw new ArgumentException(
                $"Quality '{quality}' is not supported by {provider.Name} model '{model.Model}'. Supported: {string.Join(", ", model.SupportedQualities)}.",
                $"{nameof(request)}.{nameof(request.Quality)}");
        }

        if (request.Style is not null && !model.SupportsStyle)
        {
            throw new ArgumentException($"{provider.Name} model '{model.Model}' does not take a Style.", $"{nameof(request)}.{nameof(request.Style)}");
        }

        if (model.MaxPromptLength is int maxLength && request.Prompt.Length > maxLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Prompt is {request.Prompt.Length} characters; {provider.Name} model '{model.Model}' accepts at most {maxLength}."),
                $"{nameof(request)}.{nameof(request.Prompt)}");
        }
    }

    private static bool IsAspectRatio(string value)
    {
        ReadOnlySpan<char> span = value.AsSpan();
        int colon = span.IndexOf(':');
        return colon > 0
            && int.TryParse(span[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out int w) && w > 0
            && int.TryParse(span[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int h) && h > 0;
    }
}
