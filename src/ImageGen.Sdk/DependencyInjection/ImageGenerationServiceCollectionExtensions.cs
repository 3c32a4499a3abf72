using ImageGen.Sdk;
using ImageGen.Sdk.DependencyInjection;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.AzureOpenAI;
using ImageGen.Sdk.Providers.Local;
using ImageGen.Sdk.Providers.OpenAI;
using ImageGen.Sdk.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the image-generation stack: <see cref="IImageGenerator"/> with every configured layer.</summary>
public static class ImageGenerationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the image-generation stack. When an <see cref="IConfiguration"/> is registered its
    /// <c>ImageGeneration</c> section is bound; with no provider configured, providers come from environment
    /// variables, and failing those the offline <c>Local</c> provider is used (with a start-up warning).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>A builder to add custom layers and provider types.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static ImageGenerationBuilder AddImageGeneration(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<ImageGenerationOptions>()
            .Configure<IServiceProvider>((options, sp) =>
            {
                if (sp.GetService(typeof(IConfiguration)) is IConfiguration configuration)
                {
                    configuration.GetSection(ImageGenerationOptions.SectionName).Bind(options);
                }
            });
        ProviderResilienceOptionsSetup.BindFrom(services, sp => (sp.GetService(typeof(IConfiguration)) as IConfiguration)?.GetSection(ImageGenerationOptions.SectionName));

        // Reloads of the section reach IOptionsMonitor, so a changed key list rebinds that provider's keys.
        services.AddSingleton<IOptionsChangeTokenSource<ImageGenerationOptions>>(sp => new ConfigurationChangeTokenSource<ImageGenerationOptions>(
            (sp.GetService(typeof(IConfiguration)) as IConfiguration ?? new ConfigurationBuilder().Build()).GetSection(ImageGenerationOptions.SectionName)));
        return AddCore(services);
    }

    /// <summary>Adds the image-generation stack configured in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>A builder to add custom layers and provider types.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ImageGenerationBuilder AddImageGeneration(this IServiceCollection services, Action<ImageGenerationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<ImageGenerationOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>Adds the image-generation stack bound to a configuration section (the <c>ImageGeneration</c> section itself).</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The <c>ImageGeneration</c> section.</param>
    /// <returns>A builder to add custom layers and provider types.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ImageGenerationBuilder AddImageGeneration(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddOptions<ImageGenerationOptions>().Bind(section);
        ProviderResilienceOptionsSetup.BindFrom(services, _ => section);
        return AddCore(services);
    }

    private static ImageGenerationBuilder AddCore(IServiceCollection services)
    {
        // A second AddImageGeneration call adds configuration, not a second stack.
        ImageGenerationBuilder? existing = (ImageGenerationBuilder?)services
            .FirstOrDefault(d => d.ServiceType == typeof(ImageGenerationBuilder))?.ImplementationInstance;
        if (existing is not null)
        {
            return existing;
        }

        ImageGenerationBuilder builder = new(services);
        services.AddSingleton(builder);
        services.AddLogging();
        services.AddHttpClient();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ImageGenerationOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ImageGenerationOptions>, EnvironmentProviderOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImageGenerationOptions>, ImageGenerationOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<ImageGenerationOptions>, FallbackListOptionsSetup>());
        ProviderResilienceOptionsSetup.Register(services);
        ImageGenerationTelemetryRegistration.AddTelemetry(services);

        // Built-in provider types register their factories here.
        builder.AddProviderFactory<OpenAIImageProviderFactory>()
            .AddProviderFactory<AzureOpenAIImageProviderFactory>()
            .AddProviderFactory<LocalImageProviderFactory>();

        ImageGen.Sdk.Caching.ImageCacheServiceRegistration.Add(services);
        ImageGenerationLimits.AddServices(services);
        services.TryAddSingleton<ImageGenerationStack>();
        services.TryAddSingleton<IImageProviderCatalog>(sp => sp.GetRequiredService<ImageGenerationStack>().Catalog);
        services.TryAddSingleton<IImageGenerator>(sp => sp.GetRequiredService<ImageGenerationStack>().Generator);
        services.TryAddKeyedSingleton<IImageGenerator>(KeyedService.AnyKey, (sp, key) =>
            sp.GetRequiredService<ImageGenerationStack>().ForProvider(key as string
                ?? throw new ArgumentException("The service key of a provider-pinned IImageGenerator must be the provider name.", nameof(key))));
        return builder;
    }
}
