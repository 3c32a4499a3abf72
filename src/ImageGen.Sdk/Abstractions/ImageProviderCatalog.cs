namespace ImageGen.Sdk;

/// <summary>An immutable <see cref="IImageProviderCatalog"/> over a fixed set of providers.</summary>
public sealed class ImageProviderCatalog : IImageProviderCatalog
{
    private readonly Dictionary<string, ImageProviderDescriptor> _providers;

    /// <summary>Initializes a new catalog.</summary>
    /// <param name="providers">The providers; names must be unique (case-insensitive).</param>
    /// <param name="defaultProvider">The default route; the first provider when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">No providers, duplicate names, or an unknown default.</exception>
    public ImageProviderCatalog(IEnumerable<ImageProviderDescriptor> providers, string? defaultProvider = null)
    {
        ArgumentNullException.ThrowIfNull(providers);
        _providers = new Dictionary<string, ImageProviderDescriptor>(StringComparer.OrdinalIgnoreCase);
        List<ImageProviderDescriptor> ordered = [];
        foreach (ImageProviderDescriptor provider in providers)
        {
            if (!_providers.TryAdd(provider.Name, provider))
            {
                throw new ArgumentException($"Provider '{provider.Name}' is registered twice.", nameof(providers));
            }

            ordered.Add(provider);
        }

        if (ordered.Count == 0)
        {
            throw new ArgumentException("At least one provider is required.", nameof(providers));
        }

        if (defaultProvider is not null && !_providers.ContainsKey(defaultProvider))
        {
            throw new ArgumentException($"The default provider '{defaultProvider}' is not configured. Configured: {string.Join(", ", _providers.Keys)}.", nameof(defaultProvider));
        }

        Providers = ordered;
        DefaultProvider = defaultProvider is null ? ordered[0].Name : _providers[defaultProvider].Name;
    }

    /// <inheritdoc />
    public string DefaultProvider { get; }

    /// <inheritdoc />
    public IReadOnlyCollection<ImageProviderDescriptor> Providers { get; }

    /// <inheritdoc />
    public ImageProviderDescriptor? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _providers.TryGetValue(name, out ImageProviderDescriptor? provider) ? provider : null;
    }
}
