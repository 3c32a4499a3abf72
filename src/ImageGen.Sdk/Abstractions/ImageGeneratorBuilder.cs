namespace ImageGen.Sdk;

/// <summary>
/// Composes a pipeline of <see cref="DelegatingImageGenerator"/> layers around an inner generator.
/// The first <c>Use</c> call adds the outermost layer, so reading the calls reads the request path.
/// </summary>
/// <example>
/// <code>
/// IImageGenerator generator = new ImageGeneratorBuilder(provider)
///     .UseCaching(cache)
///     .UseRetry(retryOptions)
///     .Build();
/// </code>
/// </example>
public sealed class ImageGeneratorBuilder
{
    private readonly Func<IServiceProvider, IImageGenerator> _innerFactory;
    private readonly List<Func<IImageGenerator, IServiceProvider, IImageGenerator>> _layers = [];

    /// <summary>Initializes a builder around an existing generator (usually a provider client).</summary>
    /// <param name="innerGenerator">The innermost generator.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    public ImageGeneratorBuilder(IImageGenerator innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        _innerFactory = _ => innerGenerator;
    }

    /// <summary>Initializes a builder whose innermost generator is created from the service provider at build time.</summary>
    /// <param name="innerGeneratorFactory">Creates the innermost generator.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGeneratorFactory"/> is <see langword="null"/>.</exception>
    public ImageGeneratorBuilder(Func<IServiceProvider, IImageGenerator> innerGeneratorFactory)
    {
        ArgumentNullException.ThrowIfNull(innerGeneratorFactory);
        _innerFactory = innerGeneratorFactory;
    }

    /// <summary>Adds a layer. Layers added first sit outermost.</summary>
    /// <param name="generatorFactory">Wraps the generator below it.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generatorFactory"/> is <see langword="null"/>.</exception>
    public ImageGeneratorBuilder Use(Func<IImageGenerator, IImageGenerator> generatorFactory)
    {
        ArgumentNullException.ThrowIfNull(generatorFactory);
        _layers.Add((inner, _) => generatorFactory(inner));
        return this;
    }

    /// <summary>Adds a layer that needs services. Layers added first sit outermost.</summary>
    /// <param name="generatorFactory">Wraps the generator below it, with access to the service provider.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generatorFactory"/> is <see langword="null"/>.</exception>
    public ImageGeneratorBuilder Use(Func<IImageGenerator, IServiceProvider, IImageGenerator> generatorFactory)
    {
        ArgumentNullException.ThrowIfNull(generatorFactory);
        _layers.Add(generatorFactory);
        return this;
    }

    /// <summary>Builds the pipeline.</summary>
    /// <param name="services">Services for layers that need them; an empty provider when <see langword="null"/>.</param>
    /// <returns>The outermost generator.</returns>
    /// <exception cref="InvalidOperationException">A layer factory returned <see langword="null"/>.</exception>
    public IImageGenerator Build(IServiceProvider? services = null)
    {
        services ??= EmptyServiceProvider.Instance;
        IImageGenerator generator = _innerFactory(services)
            ?? throw new InvalidOperationException("The inner generator factory returned null.");

        // Applied innermost first so the first Use call ends up outermost.
        for (int i = _layers.Count - 1; i >= 0; i--)
        {
            generator = _layers[i](generator, services)
                ?? throw new InvalidOperationException($"The layer factory at index {i} returned null.");
        }

        return generator;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
