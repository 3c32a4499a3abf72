using System.Collections.Concurrent;
using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.DependencyInjection;

/// <summary>
/// Composes the whole stack from options, once, as a singleton. Read <see cref="BuildStack"/> and
/// <see cref="BuildProviderPipeline"/> top to bottom to read the request path, outermost first.
/// </summary>
internal sealed class ImageGenerationStack : IDisposable
{
    private readonly IServiceProvider _services;
    private readonly ImageGenerationOptions _options;
    private readonly ImageGenerationLimits _limits;
    private readonly IOptionsMonitor<RetryOptions> _retry;
    private readonly IOptionsMonitor<CircuitBreakerOptions> _circuitBreaker;
    private readonly ConcurrentDictionary<string, IImageGenerator> _pinned = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ProviderKeyReload> _keyReloads = [];

    public ImageGenerationStack(
        IServiceProvider services,
        IOptions<ImageGenerationOptions> options,
        IEnumerable<IImageProviderFactory> factories,
        ImageGenerationBuilder builder,
        ImageGenerationLimits limits)
    {
        _services = services;
        _options = options.Value;
        _limits = limits;
        _retry = (IOptionsMonitor<RetryOptions>)services.GetService(typeof(IOptionsMonitor<RetryOptions>))!;
        _circuitBreaker = (IOptionsMonitor<CircuitBreakerOptions>)services.GetService(typeof(IOptionsMonitor<CircuitBreakerOptions>))!;
        Dictionary<string, IImageProviderFactory> factoryByType = new(StringComparer.OrdinalIgnoreCase);
        foreach (IImageProviderFactory factory in factories)
        {
            factoryByType[factory.ProviderType] = factory;
        }

        List<ImageProviderDescriptor> descriptors = [];
        Dictionary<string, IImageGenerator> pipelines = new(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, ImageProviderOptions providerOptions) in _options.Providers)
        {
            // Types were checked by start-up validation, so the lookup cannot miss here.
            IImageProviderFactory factory = factoryByType[providerOptions.Type!];
            ImageProviderDescriptor descriptor = factory.Describe(name, providerOptions);
            descriptors.Add(descriptor);
            pipelines[name] = BuildProviderPipeline(name, providerOptions, factory, descriptor);
        }

        Catalog = new ImageProviderCatalog(descriptors, _options.DefaultProvider);
        Generator = BuildStack(builder, pipelines);
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

    /// <summary>
    /// The path shared by all providers: telemetry → validation → custom layers → cache → user quotas → routing or
    /// fallback. Telemetry is outermost so its span and duration cover the whole call, refusals and cache hits included.
    /// The layers above the router find the catalog through <c>GetService</c>, which the router answers.
    /// </summary>
    private IImageGenerator BuildStack(ImageGenerationBuilder builder, Dictionary<string, IImageGenerator> pipelines)
    {
        ImageGeneratorBuilder stack = new ImageGeneratorBuilder(RouteOrFallBack(pipelines))
            .Use(ImageGenerationTelemetryRegistration.CreateLayer)
            .UseValidation();
        foreach (Func<IImageGenerator, IServiceProvider, IImageGenerator> layer in builder.Layers)
        {
            stack.Use(layer);
        }

        // The cache sits above everything that costs something: a hit spends no user quota, permit, retry or key quota.
        return stack
            .UseCaching(catalog: Catalog)
            .UseUserQuotas(_options.UserQuotas)
            .Build(_services);
    }

    /// <summary>
    /// One provider's path: count splitting → retry (with the total timeout) → circuit breaker → attempt timeout →
    /// budget and cost → rate limiter → key rotation → one client per API key. Retry and breaker options are the
    /// provider's named options (the global section with its own on top).
    /// </summary>
    private IImageGenerator BuildProviderPipeline(string name, ImageProviderOptions options, IImageProviderFactory factory, ImageProviderDescriptor descriptor)
    {
        IReadOnlyList<ApiKeyClient> keyClients = ImageGenerationLimits.CreateKeyClients(name, options, factory, _services);
        IImageGenerator client = keyClients.Count > 0 ? keyClients[0].Generator : factory.Create(new ImageProviderContext(name, options, null, _services));
        RetryOptions retry = _retry.Get(name);
        CircuitBreakerOptions circuitBreaker = _circuitBreaker.Get(name);

        // Budget and cost sit inside retry: each attempt reserves its estimate and a failed attempt gives it back.
        // The limiter sits inside the circuit breaker so its local refusals never reach the provider; key rotation
        // is innermost so a 429 on one key moves the same attempt to the next key without another permit.
        // The breaker is on by default only where fallback has somewhere else to send the traffic (see
        // CircuitBreakerOptions.Enabled): for the only provider it would just refuse calls that retries would save.
        ImageGeneratorBuilder builder = new ImageGeneratorBuilder(client)
            .UseCountSplitting()
            .UseRetry(retry, name);
        if (circuitBreaker.Enabled ?? HasFallbackFrom(name))
        {
            builder.UseCircuitBreaker(circuitBreaker, name);
        }

        IImageGenerator pipeline = builder
            .UseAttemptTimeout(retry.AttemptTimeout, name)
            .UseCostTracking(descriptor, _limits.GetPrices(factory, options), _limits.Budget, pricedAs: factory.GetPricedAs(name, options))
            .UseRateLimiting(name, _limits.GetProviderRateLimit(options, retry), _limits.GlobalLimiter)
            .UseKeyRotation(name, keyClients, _limits.GetKeyRotation(options, retry))
            .Build(_services);

        // A reload that changes the key list rebinds the key layer (a new key serves at once).
        if (ProviderKeyReload.Watch(name, options, factory, keyClients, pipeline, _services) is { } reload)
        {
            _keyReloads.Add(reload);
        }

        return pipeline;
    }

    /// <summary>Stops watching configuration for key changes.</summary>
    public void Dispose()
    {
        foreach (ProviderKeyReload reload in _keyReloads)
        {
            reload.Dispose();
        }
    }

    /// <summary>Whether fallback lists a provider other than <paramref name="name"/> that its calls can move to.</summary>
    private bool HasFallbackFrom(string name)
        => _options.Fallback.Providers.Any(p => !string.Equals(p, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Plain routing by provider name, wrapped in <see cref="FallbackImageGenerator"/> when <c>ImageGeneration:Fallback</c>
    /// lists providers. Fallback gets each provider's effective total time-out, so a call that falls back still ends
    /// within the total time-out of the provider it started on.
    /// </summary>
    private IImageGenerator RouteOrFallBack(Dictionary<string, IImageGenerator> pipelines)
    {
        ProviderRoutingImageGenerator router = new(Catalog, pipelines);
        if (_options.Fallback.Providers.Count == 0)
        {
            return router;
        }

        Dictionary<string, TimeSpan> totalTimeouts = new(StringComparer.OrdinalIgnoreCase);
        foreach (string name in _options.Providers.Keys)
        {
            totalTimeouts[name] = _retry.Get(name).TotalTimeout;
        }

        return new FallbackImageGenerator(
            router,
            _options.Fallback,
            (_services.GetService(typeof(ILoggerFactory)) as ILoggerFactory)?.CreateLogger<FallbackImageGenerator>(),
            name => totalTimeouts.TryGetValue(name, out TimeSpan timeout) ? timeout : _options.Retry.TotalTimeout,
            _services.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System);
    }
}
