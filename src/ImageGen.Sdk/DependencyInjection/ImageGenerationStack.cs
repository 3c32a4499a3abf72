using System.Collections.Concurrent;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Resilience;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.DependencyInjection;

/// <summary>
/// Composes the whole stack from options, once, as a singleton. Read <see cref="BuildStack"/> and
/// <see cref="BuildProviderPipeline"/> top to bottom to read the request path, outermost first.
/// </summary>
internal sealed class ImageGenerationStack
{
    private readonly IServiceProvider _services;
    private readonly ConcurrentDictionary<string, IImageGenerator> _pinned = new(StringComparer.OrdinalIgnoreCase);

    public ImageGenerationStack(
        IServiceProvider services,
        IOptions<ImageGenerationOptions> options,
        IEnumerable<IImageProviderFactory> factories,
        ImageGenerationBuilder builder)
    {
        _services = services;
        ImageGenerationOptions value = options.Value;
        Dictionary<string, IImageProviderFactory> factoryByType = new(StringComparer.OrdinalIgnoreCase);
        foreach (IImageProviderFactory factory in factories)
        {
            factoryByType[factory.ProviderType] = factory;
        }

        List<ImageProviderDescriptor> descriptors = [];
        Dictionary<string, IImageGenerator> pipelines = new(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, ImageProviderOptions providerOptions) in value.Providers)
        {
            IImageProviderFactory factory = factoryByType[providerOptions.Type!];
            ImageProviderDescriptor descriptor = factory.Describe(name, providerOptions);
            descriptors.Add(descriptor);
            pipelines[name] = BuildProviderPipeline(name, providerOptions, factory, descriptor);
        }

        Catalog = new ImageProviderCatalog(descriptors, value.DefaultProvider);
        Generator = BuildStack(value, builder, pipelines);
    }

    /// <summary>Gets the configured providers.</summary>
    public IImageProviderCatalog Catalog { get; }

    /// <summary>Gets the full stack with default routing.</summary>
    public IImageGenerator Generator { get; }

    /// <summary>Gets the full stack pinned to one provider (the keyed service).</summary>
    public IImageGenerator ForProvider(string provider)
    {
        ImageProviderDescriptor descriptor = Catalog.Find(provider) ?? throw new InvalidOperationException(
            $"No image provider named '{provider}' is configured. Configured: {string.Join(", ", Catalog.Providers.Select(p => p.Name))}.");
        return _pinned.GetOrAdd(descriptor.Name, static (name, generator) => new PinnedProviderImageGenerator(generator, name), Generator);
    }

    /// <summary>The request path shared by all providers: validation → custom layers → cache → routing/fallback.</summary>
    private IImageGenerator BuildStack(ImageGenerationOptions options, ImageGenerationBuilder builder, Dictionary<string, IImageGenerator> pipelines)
    {
        ImageGeneratorBuilder stack = new ImageGeneratorBuilder(WithFallback(options.Fallback, new ProviderRoutingImageGenerator(Catalog, pipelines)))
            .UseValidation(Catalog);
        foreach (Func<IImageGenerator, IServiceProvider, IImageGenerator> layer in builder.Layers)
        {
            stack.Use(layer);
        }

        // The cache sits above everything that costs something: a hit spends no user quota, permit, retry or key quota.
        return stack
            .UseCaching(catalog: Catalog)
            .UseUserQuotas(options.UserQuotas)
            .Build(_services);
    }

    /// <summary>One provider's path: split counts → retry → circuit breaker → attempt timeout → budget/cost → rate limiter → keys → client.</summary>
    private IImageGenerator BuildProviderPipeline(string name, ImageProviderOptions options, IImageProviderFactory factory, ImageProviderDescriptor descriptor)
    {
        ImageGenerationLimits limits = _services.GetRequiredService<ImageGenerationLimits>();
        IReadOnlyList<ApiKeyClient> keyClients = ImageGenerationLimits.CreateKeyClients(name, options, factory, _services);
        IImageGenerator client = keyClients.Count > 0 ? keyClients[0].Generator : factory.Create(new ImageProviderContext(name, options, null, _services));

        RetryOptions retry = EffectiveRetry(options);

        // Budget/cost sits inside retry: each attempt reserves its estimate and a failed attempt gives it back.
        return new ImageGeneratorBuilder(client)
            .UseCountSplitting(descriptor)
            .UseRetry(retry, name)
            .UseCircuitBreaker(EffectiveCircuitBreaker(options), name)
            .UseAttemptTimeout(retry.AttemptTimeout, name)
            .UseCostTracking(descriptor, limits.Prices, limits.Budget)
            .UseRateLimiting(name, limits.GetProviderRateLimit(options), limits.GlobalLimiter)
            .UseKeyRotation(name, keyClients, ImageGenerationLimits.GetKeyRotation(options))
            .Build(_services);
    }

    /// <summary>Routes through <see cref="FallbackImageGenerator"/> when <c>ImageGeneration:Fallback</c> lists providers.</summary>
    private IImageGenerator WithFallback(FallbackOptions fallback, IImageGenerator router) => fallback.Providers.Count == 0
        ? router
        : new FallbackImageGenerator(router, Catalog, fallback, (_services.GetService(typeof(ILoggerFactory)) as ILoggerFactory)?.CreateLogger<FallbackImageGenerator>());

    /// <summary>A provider's retry options: its <c>Providers:{name}:Retry</c> overrides over <c>ImageGeneration:Retry</c>.</summary>
    private RetryOptions EffectiveRetry(ImageProviderOptions provider)
    {
        RetryOptions global = GlobalOptions.Retry;
        return provider.Retry?.InheritFrom(global) ?? global;
    }

    /// <summary>A provider's circuit breaker options: its overrides over <c>ImageGeneration:CircuitBreaker</c>.</summary>
    private CircuitBreakerOptions EffectiveCircuitBreaker(ImageProviderOptions provider)
    {
        CircuitBreakerOptions global = GlobalOptions.CircuitBreaker;
        return provider.CircuitBreaker?.InheritFrom(global) ?? global;
    }

    // Read from the services (the same singleton options the constructor got) so the constructor stays untouched.
    private ImageGenerationOptions GlobalOptions => ((IOptions<ImageGenerationOptions>)_services.GetService(typeof(IOptions<ImageGenerationOptions>))!).Value;
}
