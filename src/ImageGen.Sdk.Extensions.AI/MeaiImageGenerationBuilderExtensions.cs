using ImageGen.Sdk;
using ImageGen.Sdk.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using IImageGenerator = ImageGen.Sdk.IImageGenerator;
using Meai = Microsoft.Extensions.AI;

// Next to AddImageGeneration(), so registering the bridge needs no ImageGen.Sdk import in an app that uses only
// Microsoft.Extensions.AI's types.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Microsoft.Extensions.AI bridge on the stack returned by <c>services.AddImageGeneration()</c>.</summary>
public static class MeaiImageGenerationBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="Meai.IImageGenerator"/> as the whole ImageGen.Sdk stack (cache, retry, limits, keys,
    /// fallback), and the keyed <c>[FromKeyedServices("name")] Meai.IImageGenerator</c> pinned to one provider.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddImageGeneration()</c>.</param>
    /// <returns>The builder.</returns>
    /// <remarks>An earlier registration of <see cref="Meai.IImageGenerator"/> is kept (<c>TryAdd</c>).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ImageGenerationBuilder AddMeaiImageGenerator(this ImageGenerationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(sp => ImageGenMeaiExtensions.AsMeaiImageGenerator(sp.GetRequiredService<IImageGenerator>()));
        builder.Services.TryAddKeyedSingleton(
            KeyedService.AnyKey,
            (sp, key) => ImageGenMeaiExtensions.AsMeaiImageGenerator(sp.GetRequiredKeyedService<IImageGenerator>(key)));
        return builder;
    }

    /// <summary>
    /// Adds a Microsoft.Extensions.AI image generator as the provider <paramref name="name"/> (type
    /// <c>MicrosoftExtensionsAI</c>): it gains the stack's cache, retry, breaker, limits and fallback, and
    /// <c>ImageGeneration:Providers:{name}</c> configures it like any provider (retry, rate limits, <c>DefaultModel</c>, …).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddImageGeneration()</c>.</param>
    /// <param name="name">The provider name (routing key).</param>
    /// <param name="factory">Creates the generator; called once.</param>
    /// <param name="configure">Describes the generator's models and classifies its exceptions.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or the options are invalid.</exception>
    public static ImageGenerationBuilder AddMeaiProvider(
        this ImageGenerationBuilder builder,
        string name,
        Func<IServiceProvider, Meai.IImageGenerator> factory,
        Action<MeaiProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return builder.AddMeaiProvider(name, (services, _) => factory(services), configure);
    }

    /// <summary>
    /// Adds a Microsoft.Extensions.AI image generator as the provider <paramref name="name"/>, created once per API key
    /// configured under <c>ImageGeneration:Providers:{name}:ApiKeys</c>, so the stack rotates keys, cools rate-limited
    /// ones and retires revoked ones (with no key configured, <paramref name="factory"/> receives <see langword="null"/>).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddImageGeneration()</c>.</param>
    /// <param name="name">The provider name (routing key).</param>
    /// <param name="factory">Creates the generator for one API key.</param>
    /// <param name="configure">Describes the generator's models and classifies its exceptions.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="factory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is blank or the options are invalid.</exception>
    public static ImageGenerationBuilder AddMeaiProvider(
        this ImageGenerationBuilder builder,
        string name,
        Func<IServiceProvider, string?, Meai.IImageGenerator> factory,
        Action<MeaiProviderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        MeaiProviderOptions options = new();
        configure?.Invoke(options);
        options.Validate();

        string trimmed = name.Trim();
        builder.Services.AddSingleton(new MeaiProviderRegistration(trimmed, factory, options));
        builder.AddProviderFactory<MeaiImageProviderFactory>();

        // Configure (not PostConfigure) runs before the environment-variable set-up, which then sees a configured
        // provider and adds none; keys, limits and retry for the name still come from configuration.
        builder.Services.Configure<ImageGen.Sdk.ImageGenerationOptions>(o =>
        {
            if (!o.Providers.TryGetValue(trimmed, out ImageProviderOptions? provider))
            {
                provider = new ImageProviderOptions();
                o.Providers[trimmed] = provider;
            }

            provider.Type ??= MeaiImageProviderFactory.ProviderTypeName;
        });
        return builder;
    }
}
