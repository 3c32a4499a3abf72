using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Tests.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>
/// Builds the stack <c>AddImageGeneration()</c> composes around a fake provider type (<c>Fake</c>, one
/// <see cref="FakeImageGenerator"/> per API key), on a <see cref="ManualTimeProvider"/>, with captured logs.
/// </summary>
internal static class LimitsStack
{
    /// <summary>Builds the services; the provider is <c>openai</c> of type <c>Fake</c> with <paramref name="keys"/>, and the cache is off.</summary>
    public static ServiceProvider Build(
        ManualTimeProvider clock,
        KeyedFakeProviderFactory factory,
        Dictionary<string, string?> settings,
        CapturingLoggerProvider? logs = null,
        params string[] keys)
    {
        settings.TryAdd("ImageGeneration:Providers:openai:Type", "Fake");
        settings.TryAdd("ImageGeneration:Cache:Backend", "None");
        for (int i = 0; i < keys.Length; i++)
        {
            settings[$"ImageGeneration:Providers:openai:ApiKeys:{i}"] = keys[i];
        }

        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IImageProviderFactory>(factory);
        if (logs is not null)
        {
            services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        }

        services.AddImageGeneration();
        return services.BuildServiceProvider();
    }
}

/// <summary>A provider type <c>Fake</c> that creates one <see cref="FakeImageGenerator"/> per API key, serving <see cref="Model"/>.</summary>
internal sealed class KeyedFakeProviderFactory(string model = "dall-e-3") : IImageProviderFactory
{
    // Stands in for OpenAI, so the shipped OpenAI prices apply (budgets and cost estimates).
    public IReadOnlyDictionary<string, ModelPriceOptions> DefaultPrices => ImageGen.Sdk.Providers.OpenAI.OpenAIImagePrices.Models;

    public Dictionary<string, FakeImageGenerator> Clients { get; } = [];

    public string Model { get; } = model;

    public string ProviderType => "Fake";

    public bool RequiresApiKey => true;

    public int TotalCalls => Clients.Values.Sum(c => c.CallCount);

    public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
    {
    }

    public ImageProviderDescriptor Describe(string name, ImageProviderOptions options)
        => new(name, ProviderType, Model, [new ImageModelCapabilities(Model) { DefaultSize = new ImageSize(1024, 1024) }]);

    public IImageGenerator Create(ImageProviderContext context)
    {
        FakeImageGenerator client = new(context.Name, Model);
        Clients.Add(context.ApiKey!, client);
        return client;
    }
}
