namespace ImageGen.Sdk.Providers;

/// <summary>
/// Sends each request to the pipeline of the provider it names (or the default provider). The fallback layer
/// replaces it when <c>ImageGeneration:Fallback</c> is configured.
/// </summary>
/// <remarks>
/// <para>It is where the layers above learn about providers: <c>GetService(typeof(IImageProviderCatalog))</c> answers
/// with its catalog (validation, fallback, cache keys and user quotas read it), and a service asked for with a provider
/// name as the key is asked of that provider's pipeline, so <c>GetService(typeof(ImageGeneratorMetadata), "azure")</c>
/// answers with Azure's metadata (from its catalog entry when the pipeline does not describe itself).</para>
/// <para>It owns the pipelines: disposing it disposes each distinct pipeline once.</para>
/// </remarks>
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

    /// <summary>Initializes a new instance whose catalog is built from what each pipeline says about itself
    /// (<c>GetService(typeof(ImageGeneratorMetadata))</c>, which every provider client answers).</summary>
    /// <param name="providers">Each provider's pipeline, by provider name (case-insensitive); the names are the routing keys.</param>
    /// <param name="defaultProvider">The provider a request without a provider name goes to; the first one when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="providers"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A pipeline does not describe itself, there are no pipelines, or <paramref name="defaultProvider"/> is not one of them.</exception>
    public ProviderRoutingImageGenerator(IReadOnlyDictionary<string, IImageGenerator> providers, string? defaultProvider = null)
        : this(CreateCatalog(providers, defaultProvider), providers)
    {
    }

    /// <summary>
    /// Answers <see cref="IImageProviderCatalog"/> with the catalog; a request keyed by a provider name goes to that
    /// provider's pipeline (with <see cref="ImageGeneratorMetadata"/> taken from the catalog when the pipeline has
    /// none); anything else as <see cref="DelegatingImageGenerator.GetService"/> does, which asks the default
    /// provider's pipeline.
    /// </summary>
    /// <param name="serviceType">The type of object being requested.</param>
    /// <param name="serviceKey">A provider name, or <see langword="null"/>.</param>
    /// <returns>The object, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            return serviceType == typeof(IImageProviderCatalog) ? _catalog : base.GetService(serviceType, serviceKey);
        }

        if (serviceKey is not string name || _catalog.Find(name) is not { } descriptor || !_providers.TryGetValue(descriptor.Name, out IImageGenerator? pipeline))
        {
            return null;
        }

        return pipeline.GetService(serviceType)
            ?? (serviceType == typeof(ImageGeneratorMetadata) ? new ImageGeneratorMetadata(descriptor.Name, descriptor.ProviderType, descriptor.DefaultModel, [.. descriptor.KnownModels]) : null);
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

    private static ImageProviderCatalog CreateCatalog(IReadOnlyDictionary<string, IImageGenerator> providers, string? defaultProvider)
    {
        ArgumentNullException.ThrowIfNull(providers);
        List<ImageProviderDescriptor> descriptors = [];
        foreach ((string name, IImageGenerator pipeline) in providers)
        {
            ImageGeneratorMetadata metadata = pipeline.GetService<ImageGeneratorMetadata>() ?? throw new ArgumentException(
                $"The pipeline of provider '{name}' does not describe itself (GetService(typeof(ImageGeneratorMetadata)) returned null); pass an IImageProviderCatalog instead.",
                nameof(providers));
            descriptors.Add(new ImageProviderDescriptor(name, metadata.ProviderType, metadata.DefaultModel, metadata.Models));
        }

        return new ImageProviderCatalog(descriptors, defaultProvider);
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
