using System.Collections.Concurrent;
using ImageGen.Sdk.Providers;

namespace ImageGen.Sdk.Tests.DependencyInjection;

/// <summary>
/// A provider type that needs an API key (like OpenAI), for DI and validation tests that must not depend on a real
/// provider. Its clients are <see cref="FakeImageGenerator"/>s named after the configured provider.
/// </summary>
public sealed class KeyRequiringProviderFactory : IImageProviderFactory
{
    // Stands in for OpenAI, so the shipped OpenAI prices apply (budgets and cost estimates).
    public IReadOnlyDictionary<string, ModelPriceOptions> DefaultPrices => ImageGen.Sdk.Providers.OpenAI.OpenAIImagePrices.Models;

    public const string TypeName = "KeyRequiring";

    public const string Model = "keyed-model";

    /// <summary>Gets the contexts clients were created with, by provider name (one client per API key, in key order).</summary>
    public static ConcurrentDictionary<string, ConcurrentQueue<ImageProviderContext>> Created { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string ProviderType => TypeName;

    public bool RequiresApiKey => true;

    public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
    {
        if (options.Deployment == "invalid")
        {
            errors.Add($"ImageGeneration:Providers:{name}:Deployment is invalid.");
        }
    }

    public ImageProviderDescriptor Describe(string name, ImageProviderOptions options)
        => new(name, TypeName, options.DefaultModel ?? Model, [new ImageModelCapabilities(Model) { MaxImagesPerCall = 1 }]);

    public IImageGenerator Create(ImageProviderContext context)
    {
        Created.GetOrAdd(context.Name, _ => new ConcurrentQueue<ImageProviderContext>()).Enqueue(context);
        return new FakeImageGenerator(context.Name, context.Options.DefaultModel ?? Model);
    }
}
