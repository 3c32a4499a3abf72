using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Providers;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.DependencyInjection;

/// <summary>
/// Rebinds a provider's key layer when configuration reloads with a different key list, so a key that replaces a
/// rejected one serves the next call without a restart. Keys kept in the list keep their client, counters and health;
/// other settings of the provider (its URL, limits) still take a restart.
/// </summary>
internal sealed class ProviderKeyReload : IDisposable
{
    private readonly string _name;
    private readonly IImageProviderFactory _factory;
    private readonly IServiceProvider _services;
    private readonly KeyRotatingImageGenerator _layer;
    private readonly Lock _gate = new();
    private readonly IDisposable? _subscription;
    private Dictionary<string, ApiKeyClient> _clients;
    private IReadOnlyList<string> _keys;

    private ProviderKeyReload(
        string name, ImageProviderOptions options, IImageProviderFactory factory, IReadOnlyList<ApiKeyClient> clients, KeyRotatingImageGenerator layer, IServiceProvider services, IOptionsMonitor<ImageGenerationOptions> monitor)
    {
        _name = name;
        _factory = factory;
        _services = services;
        _layer = layer;
        _keys = options.GetAllApiKeys();
        _clients = ByKey(_keys, clients);
        _subscription = monitor.OnChange(Apply);
    }

    /// <summary>Watches the provider's keys, or returns <see langword="null"/> when it has no key layer or nothing reports reloads.</summary>
    /// <param name="name">The provider name.</param>
    /// <param name="options">The provider's options the pipeline was built from.</param>
    /// <param name="factory">The provider type's factory.</param>
    /// <param name="clients">The key clients the pipeline was built with.</param>
    /// <param name="pipeline">The provider's pipeline (its key layer is found through <see cref="IImageGenerator.GetService"/>).</param>
    /// <param name="services">The services.</param>
    public static ProviderKeyReload? Watch(
        string name, ImageProviderOptions options, IImageProviderFactory factory, IReadOnlyList<ApiKeyClient> clients, IImageGenerator pipeline, IServiceProvider services)
    {
        if (clients.Count == 0
            || pipeline.GetService<KeyRotatingImageGenerator>() is not { } layer
            || services.GetService(typeof(IOptionsMonitor<ImageGenerationOptions>)) is not IOptionsMonitor<ImageGenerationOptions> monitor)
        {
            return null;
        }

        return new ProviderKeyReload(name, options, factory, clients, layer, services, monitor);
    }

    public void Dispose() => _subscription?.Dispose();

    private static Dictionary<string, ApiKeyClient> ByKey(IReadOnlyList<string> keys, IReadOnlyList<ApiKeyClient> clients)
    {
        Dictionary<string, ApiKeyClient> byKey = new(StringComparer.Ordinal);
        for (int i = 0; i < keys.Count && i < clients.Count; i++)
        {
            byKey[keys[i]] = clients[i];
        }

        return byKey;
    }

    private void Apply(ImageGenerationOptions options)
    {
        if (!options.Providers.TryGetValue(_name, out ImageProviderOptions? provider))
        {
            // A provider removed from configuration keeps serving until restart: its pipeline is part of the stack.
            return;
        }

        IReadOnlyList<string> keys = provider.GetAllApiKeys();
        lock (_gate)
        {
            if (keys.Count == 0 || keys.SequenceEqual(_keys, StringComparer.Ordinal))
            {
                return;
            }

            IReadOnlyList<ApiKeyClient> clients = ImageGenerationLimits.CreateKeyClients(_name, provider, _factory, _services, _clients);
            _layer.Rebind(clients);
            _keys = keys;
            _clients = ByKey(keys, clients);
        }
    }
}
