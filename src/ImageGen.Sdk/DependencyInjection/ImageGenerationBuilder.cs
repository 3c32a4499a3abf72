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
