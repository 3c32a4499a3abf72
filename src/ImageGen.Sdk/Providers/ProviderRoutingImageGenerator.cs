namespace ImageGen.Sdk.Providers;

/// <summary>
/// Sends each request to the pipeline of the provider it names (or the default provider). The fallback layer
/// replaces it when <c>ImageGeneration:Fallback</c> is configured.
/// </summary>
public sealed class ProviderRoutingImageGenerator : DelegatingImageGenerator
{
    private readonly IImageProviderCatalog _catalog;
    private readonly IReadOnlyDictionary<string, IImageGenerator> _providers;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="catalog">The configured providers.</param>
    /// <param name="providers">Each provider's pipeline, by provider name (case-insensitive).</param>
    /// <exception cref="ArgumentException">The default provider has no pipeline.</exception>
    public ProviderRoutingImageGenerator(IImageProviderCatalog catalog, IReadOnlyDictionary<string, IImageGenerator> providers)
        : base(GetDefault(catalog, providers))
    {
        _catalog = catalog;
        _providers = providers;
    }

    /// <inheritdoc />
    public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string name = _catalog.ResolveProvider(request).Name;
        return _providers.TryGetValue(name, out IImageGenerator? provider)
            ? provider.GenerateAsync(request, cancellationToken)
            : throw new ArgumentException($"Provider '{name}' has no pipeline.", nameof(request));
    }

    private static IImageGenerator GetDefault(IImageProviderCatalog catalog, IReadOnlyDictionary<string, IImageGenerator> providers)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(providers);
        return providers.TryGetValue(catalog.DefaultProvider, out IImageGenerator? generator)
            ? generator
            : throw new ArgumentException($"The default provider '{catalog.DefaultProvider}' has no pipeline.", nameof(providers));
    }
}
