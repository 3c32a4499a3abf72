using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Resilience;

/// <summary>
/// The one way a provider's <see cref="RetryOptions"/> and <see cref="CircuitBreakerOptions"/> are made: named
/// options, <c>IOptionsMonitor&lt;RetryOptions&gt;.Get(providerName)</c>, that start from the global
/// <c>ImageGeneration:Retry</c> / <c>:CircuitBreaker</c> values and bind the provider's
/// <c>Providers:{name}:Retry</c> / <c>:CircuitBreaker</c> section on top.
/// </summary>
/// <remarks>
/// Binding sets only the keys present, so a provider that sets <c>MaxRetries</c> keeps every other global value. The
/// app's own <c>services.Configure&lt;RetryOptions&gt;(providerName, ...)</c> runs after this, so code can override a
/// provider too. The unnamed instance is the global one.
/// </remarks>
internal sealed class ProviderResilienceOptionsSetup : IConfigureNamedOptions<RetryOptions>, IConfigureNamedOptions<CircuitBreakerOptions>
{
    private readonly IOptions<ImageGenerationOptions> _options;
    private readonly IConfiguration? _section;

    public ProviderResilienceOptionsSetup(IOptions<ImageGenerationOptions> options, IServiceProvider services)
    {
        _options = options;
        _section = services.GetService<ImageGenerationConfigurationSource>()?.Resolve(services);
    }

    /// <summary>Registers the named options (once).</summary>
    /// <param name="services">The services.</param>
    public static void Register(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<RetryOptions>, ProviderResilienceOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<CircuitBreakerOptions>, ProviderResilienceOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImageGenerationOptions>, ResilienceOptionsValidator>());
    }

    /// <summary>Records where <c>AddImageGeneration</c> binds from, so provider sections are bound from the same place.</summary>
    /// <param name="services">The services.</param>
    /// <param name="resolve">Finds the <c>ImageGeneration</c> section; <see langword="null"/> when options come from code only.</param>
    public static void BindFrom(IServiceCollection services, Func<IServiceProvider, IConfiguration?> resolve)
        => services.TryAddSingleton(new ImageGenerationConfigurationSource(resolve));

    public void Configure(RetryOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, RetryOptions options)
        => Merge(_options.Value.Retry, ProviderSection(_section, name, "Retry"), options);

    public void Configure(CircuitBreakerOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, CircuitBreakerOptions options)
        => Merge(_options.Value.CircuitBreaker, ProviderSection(_section, name, "CircuitBreaker"), options);

    /// <summary>A provider's effective retry options: the global ones, then its own section on top.</summary>
    /// <param name="global">The global options.</param>
    /// <param name="providerSection">The provider's <c>Retry</c> section, or <see langword="null"/>.</param>
    /// <param name="target">Receives the merged values.</param>
    internal static void Merge(RetryOptions global, IConfiguration? providerSection, RetryOptions target)
    {
        global.CopyTo(target);
        if (providerSection is not null)
        {
            providerSection.Bind(target);
        }
    }

    /// <summary>A provider's effective circuit breaker options: the global ones, then its own section on top.</summary>
    /// <param name="global">The global options.</param>
    /// <param name="providerSection">The provider's <c>CircuitBreaker</c> section, or <see langword="null"/>.</param>
    /// <param name="target">Receives the merged values.</param>
    internal static void Merge(CircuitBreakerOptions global, IConfiguration? providerSection, CircuitBreakerOptions target)
    {
        global.CopyTo(target);
        if (providerSection is not null)
        {
            providerSection.Bind(target);
        }
    }

    /// <summary>The <c>Providers:{name}:{key}</c> section, or <see langword="null"/> for the global instance or when options come from code.</summary>
    internal static IConfigurationSection? ProviderSection(IConfiguration? root, string? name, string key)
        => root is null || string.IsNullOrEmpty(name) ? null : root.GetSection($"Providers:{name}:{key}");

    /// <summary>Where the <c>ImageGeneration</c> section comes from.</summary>
    internal sealed class ImageGenerationConfigurationSource(Func<IServiceProvider, IConfiguration?> resolve)
    {
        public IConfiguration? Resolve(IServiceProvider services) => resolve(services);
    }
}
