using ImageGen.Sdk.Providers;
using Meai = Microsoft.Extensions.AI;

namespace ImageGen.Sdk.Extensions.AI;

/// <summary>One Microsoft.Extensions.AI generator registered as a provider by <c>AddMeaiProvider</c>.</summary>
internal sealed record MeaiProviderRegistration(string Name, Func<IServiceProvider, string?, Meai.IImageGenerator> Factory, MeaiProviderOptions Options);

/// <summary>
/// The provider type <c>MicrosoftExtensionsAI</c>: creates a client per configured API key (or one without) from the
/// factory registered under the provider's name. All of the bridge's DI registration of providers lives here and in
/// <see cref="Microsoft.Extensions.DependencyInjection.MeaiImageGenerationBuilderExtensions"/>.
/// </summary>
internal sealed class MeaiImageProviderFactory : IImageProviderFactory
{
    /// <summary>The provider type name (<c>ImageGeneration:Providers:{name}:Type</c>).</summary>
    public const string ProviderTypeName = "MicrosoftExtensionsAI";

    private readonly Dictionary<string, MeaiProviderRegistration> _registrations = new(StringComparer.OrdinalIgnoreCase);

    public MeaiImageProviderFactory(IEnumerable<MeaiProviderRegistration> registrations)
    {
        foreach (MeaiProviderRegistration registration in registrations)
        {
            // A later registration under the same name replaces an earlier one, as with options.
            _registrations[registration.Name] = registration;
        }
    }

    /// <inheritdoc />
    public string ProviderType => ProviderTypeName;

    /// <inheritdoc />
    public bool RequiresApiKey => false;

    /// <inheritdoc />
    public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (!_registrations.ContainsKey(name))
        {
            errors.Add($"ImageGeneration:Providers:{name}:Type {ProviderTypeName} needs a generator: call AddMeaiProvider(\"{name}\", …) on AddImageGeneration().");
        }
    }

    /// <inheritdoc />
    public ImageProviderDescriptor Describe(string name, ImageProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MeaiProviderOptions provider = EffectiveOptions(name, options);
        return new ImageProviderDescriptor(name, ProviderTypeName, provider.DefaultModel ?? MeaiProviderOptions.UnnamedModel, provider.Models);
    }

    /// <inheritdoc />
    public IImageGenerator Create(ImageProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        MeaiProviderRegistration registration = _registrations[context.Name];
        Meai.IImageGenerator generator = registration.Factory(context.Services, context.ApiKey)
            ?? throw new InvalidOperationException($"The generator factory of provider '{context.Name}' returned null.");
        return new MeaiProviderImageGenerator(generator, context.Name, EffectiveOptions(context.Name, context.Options), context.Services.GetService(typeof(TimeProvider)) as TimeProvider);
    }

    /// <summary>The registered options with <c>Providers:{name}:DefaultModel</c> from configuration on top.</summary>
    private MeaiProviderOptions EffectiveOptions(string name, ImageProviderOptions options)
    {
        MeaiProviderOptions registered = _registrations[name].Options;
        if (string.IsNullOrWhiteSpace(options.DefaultModel))
        {
            return registered;
        }

        MeaiProviderOptions effective = new() { DefaultModel = options.DefaultModel.Trim(), ClassifyException = registered.ClassifyException };
        foreach (ImageModelCapabilities model in registered.Models)
        {
            effective.Models.Add(model);
        }

        return effective;
    }
}
