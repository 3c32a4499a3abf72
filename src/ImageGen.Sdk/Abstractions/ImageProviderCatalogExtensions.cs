namespace ImageGen.Sdk;

/// <summary>Resolves which provider and model a request will reach.</summary>
public static class ImageProviderCatalogExtensions
{
    /// <summary>Resolves the provider a request routes to.</summary>
    /// <param name="catalog">The catalog.</param>
    /// <param name="request">The request.</param>
    /// <returns>The provider descriptor.</returns>
    /// <exception cref="ArgumentException">The request names a provider that is not configured.</exception>
    public static ImageProviderDescriptor ResolveProvider(this IImageProviderCatalog catalog, ImageGenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(request);
        string name = request.Provider ?? catalog.DefaultProvider;
        return catalog.Find(name) ?? throw new ArgumentException(
            $"Unknown provider '{name}'. Configured providers: {string.Join(", ", catalog.Providers.Select(p => p.Name))}.",
            $"{nameof(request)}.{nameof(request.Provider)}");
    }

    /// <summary>Resolves the provider name and model a request will reach (the provider's default model when it names none).</summary>
    /// <param name="catalog">The catalog.</param>
    /// <param name="request">The request.</param>
    /// <returns>The provider name and model.</returns>
    /// <exception cref="ArgumentException">The request names a provider that is not configured.</exception>
    public static (string Provider, string Model) ResolveRoute(this IImageProviderCatalog catalog, ImageGenerationRequest request)
    {
        ImageProviderDescriptor provider = catalog.ResolveProvider(request);
        return (provider.Name, request.Model ?? provider.DefaultModel);
    }
}
