using System.Diagnostics.CodeAnalysis;
using ImageGen.Sdk.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ImageGen.Sdk;

/// <summary>
/// Returned by <c>services.AddImageGeneration()</c> to register more: custom layers and provider types.
/// </summary>
public sealed class ImageGenerationBuilder
{
    private readonly List<Func<IImageGenerator, IServiceProvider, IImageGenerator>> _layers = [];

    /// <summary>Initializes a new instance.</summary>
    /// <param name="services">The service collection.</param>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public ImageGenerationBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>Gets the service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Gets the custom layers, outermost first.</summary>
    internal IReadOnlyList<Func<IImageGenerator, IServiceProvider, IImageGenerator>> Layers => _layers;

    /// <summary>
    /// Adds a custom layer to the stack, just inside validation and outside the cache (so it sees every call,
    /// including cache hits). Layers added first sit outermost.
    /// </summary>
    /// <param name="layerFactory">Wraps the generator below it.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="layerFactory"/> is <see langword="null"/>.</exception>
    public ImageGenerationBuilder Use(Func<IImageGenerator, IServiceProvider, IImageGenerator> layerFactory)
    {
        ArgumentNullException.ThrowIfNull(layerFactory);
        _layers.Add(layerFactory);
        return this;
    }

    /// <summary>Adds a custom layer to the stack (see <see cref="Use(Func{IImageGenerator, IServiceProvider, IImageGenerator})"/>).</summary>
    /// <param name="layerFactory">Wraps the generator below it.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="layerFactory"/> is <see langword="null"/>.</exception>
    public ImageGenerationBuilder Use(Func<IImageGenerator, IImageGenerator> layerFactory)
    {
        ArgumentNullException.ThrowIfNull(layerFactory);
        return Use((inner, _) => layerFactory(inner));
    }

    /// <summary>
    /// Registers a provider type from one delegate, so <c>Providers:{name}:Type</c> can name it: the usual way to plug
    /// in a provider written outside this package, typically one <see cref="HttpImageGenerator"/> subclass with a
    /// constructor taking the <see cref="ImageProviderContext"/>. Its default model and model capabilities come from
    /// the client's own <see cref="ImageGeneratorMetadata"/> (<see cref="IImageGenerator.GetService"/>); the provider
    /// gets cache, validation, retry, circuit breaker, limits, key rotation, budgets and fallback like a built-in one.
    /// </summary>
    /// <param name="providerType">The type name, matched case-insensitively against <c>Type</c>.</param>
    /// <param name="create">Creates a thread-safe client bound to the context's key; called once per key, and once with a
    /// placeholder key (or the first configured one) at start-up to read the metadata, which must not send anything.</param>
    /// <param name="requiresApiKey">Whether start-up requires <c>ApiKey</c> or <c>ApiKeys</c> for this type.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="providerType"/> is blank.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="create"/> is <see langword="null"/>.</exception>
    public ImageGenerationBuilder AddProviderType(string providerType, Func<ImageProviderContext, IImageGenerator> create, bool requiresApiKey = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(providerType);
        ArgumentNullException.ThrowIfNull(create);
        string type = providerType.Trim();
        Services.AddSingleton<IImageProviderFactory>(sp => new DelegateImageProviderFactory(type, requiresApiKey, create, sp));
        return this;
    }

    /// <summary>Registers a provider type, so <c>Providers:{name}:Type</c> can name it.</summary>
    /// <typeparam name="TFactory">The factory type.</typeparam>
    /// <returns>This builder.</returns>
    public ImageGenerationBuilder AddProviderFactory<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TFactory>()
        where TFactory : class, IImageProviderFactory
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IImageProviderFactory, TFactory>());
        return this;
    }
}
