namespace ImageGen.Sdk.Providers;

/// <summary>
/// Sends each request to the pipeline of the provider it names (or the default provider). The fallback layer
/// replaces it when <c>ImageGeneration:Fallback</c> is configured.
/// </summary>
/// <remarks>It owns the pipelines: disposing it disposes each distinct pipeline once.</remarks>
public sealed class ProviderRoutingImageGenerator : DelegatingImageGenerator
{
    private readonly IImageProviderCatalog _catalog;
    private readonly IReadOnlyDictionary<string, IImageGenerator> _providers;
    private int _disposed;

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

    /// <summary>Disposes every distinct provider pipeline once (not only the default provider's).</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="DelegatingImageGenerator.Dispose()"/>.</param>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2215:Dispose methods should call base class dispose", Justification = "The base would dispose only the default pipeline; every pipeline, that one included, is disposed here.")]
    protected override void Dispose(bool disposing)
    {
        if (!disposing || Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // The base class would dispose only the default pipeline; key-rotation layers in the others own per-key clients.
        HashSet<IImageGenerator> seen = new(ReferenceEqualityComparer.Instance);
        foreach (IImageGenerator pipeline in _providers.Values.Prepend(InnerGenerator))
        {
            if (seen.Add(pipeline) && pipeline is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
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
