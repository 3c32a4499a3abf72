using ImageGen.Sdk.Providers.OpenAI;
using ImageGen.Sdk.Tests.DependencyInjection;
using ImageGen.Sdk.Tests.Providers.OpenAI;
using ImageGen.Sdk.Tests.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Pricing;

/// <summary>
/// Azure OpenAI deployments are priced by the model they run, through the stack <c>AddImageGeneration()</c> builds
/// with the real Azure client; an unpriced model is allowed but warned about once when a budget is set.
/// </summary>
public sealed class AzurePricingTests
{
    private static readonly ImagePriceTable OpenAIPrices = ImagePriceTable.Empty.With(OpenAIImagePrices.Models);

    // The default mock answer reports usage: 10 text + 40 image input tokens, 4160 output tokens.
    private const decimal GptImage1UsageCost = ((10 * 5m) + (40 * 10m) + (4160 * 40m)) / 1_000_000m;

    [Test]
    public async Task A_deployment_not_named_after_its_model_is_priced_as_DefaultModel()
    {
        using OpenAIMock mock = new();
        await using ServiceProvider services = BuildAzure(mock, null, ("Deployment", "prod-images"), ("DefaultModel", "gpt-image-1"));

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>()
            .GenerateAsync(new ImageGenerationRequest("a lighthouse") { Quality = ImageQuality.Low, Size = new ImageSize(1024, 1024) });

        Assert.That(mock.Requests.Single().RequestUri!.AbsolutePath, Does.Contain("/deployments/prod-images/"));
        Assert.That(result.EstimatedCostUsd, Is.EqualTo(GptImage1UsageCost), "from the usage, at gpt-image-1's token prices");
    }

    [Test]
    public void A_budget_guards_a_deployment_priced_as_its_model_without_a_call()
    {
        using OpenAIMock mock = new();
        using ServiceProvider services = BuildAzure(mock, null, ("Deployment", "prod-images"), ("DefaultModel", "gpt-image-1"), ("Budget", "0.005"));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => services.GetRequiredService<IImageGenerator>()
            .GenerateAsync(new ImageGenerationRequest("a lighthouse") { Quality = ImageQuality.Low, Size = new ImageSize(1024, 1024) }))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.BudgetExceeded));
        Assert.That(ex.Message, Does.Contain("0.011"), "estimated at gpt-image-1 low 1024x1024");
        Assert.That(mock.Requests, Is.Empty);
    }

    [Test]
    public async Task A_providers_own_prices_apply_to_it_alone_and_an_explicit_deployment_price_wins()
    {
        using OpenAIMock mock = new();
        await using ServiceProvider services = BuildAzure(
            mock,
            null,
            ("Deployment", "prod-images"),
            ("DefaultModel", "gpt-image-1"),
            ("Pricing:Models:prod-images:PerImage:low-1024x1024", "0.5"));

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>()
            .GenerateAsync(new ImageGenerationRequest("a lighthouse") { Quality = ImageQuality.Low, Size = new ImageSize(1024, 1024) });

        Assert.That(result.EstimatedCostUsd, Is.EqualTo(0.5m), "priced per image under its own name; no token prices for it");
    }

    [Test]
    public async Task Provider_prices_override_the_app_wide_ones_for_that_provider_only()
    {
        KeyedFakeProviderFactory factory = new();
        using ServiceProvider services = LimitsStack.Build(
            new ManualTimeProvider(),
            factory,
            new()
            {
                ["ImageGeneration:Pricing:Models:dall-e-3:PerImage:standard-1024x1024"] = "0.035",
                ["ImageGeneration:Providers:openai:Pricing:Models:dall-e-3:PerImage:standard-1024x1024"] = "0.03",
                ["ImageGeneration:DefaultProvider"] = "openai",
                ["ImageGeneration:Providers:second:Type"] = "Fake",
                ["ImageGeneration:Providers:second:ApiKey"] = "sk-second-0123456789-cccc",
            },
            keys: "sk-test-0123456789-aaaa");
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();

        ImageGenerationResult own = await generator.GenerateAsync(new ImageGenerationRequest("x") { Provider = "openai" });
        ImageGenerationResult shared = await generator.GenerateAsync(new ImageGenerationRequest("x") { Provider = "second" });

        Assert.That(own.EstimatedCostUsd, Is.EqualTo(0.03m));
        Assert.That(shared.EstimatedCostUsd, Is.EqualTo(0.035m));
        Assert.That(OpenAIPrices.GetImagePrice("dall-e-3", new ImageSize(1024, 1024), null), Is.EqualTo(0.040m), "the shipped table is unchanged");
    }

    [Test]
    public async Task A_deployment_named_after_its_model_needs_no_DefaultModel()
    {
        using OpenAIMock mock = new();
        await using ServiceProvider services = BuildAzure(mock, null, ("Deployment", "gpt-image-1"));

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a lighthouse"));

        Assert.That(result.EstimatedCostUsd, Is.EqualTo(GptImage1UsageCost));
    }

    [Test]
    public async Task An_unpriced_deployment_is_allowed_under_a_budget_and_warned_about_once()
    {
        using OpenAIMock mock = new();
        CapturingLoggerProvider logs = new();
        await using ServiceProvider services = BuildAzure(mock, logs, ("Deployment", "prod-images"), ("Budget", "1"));
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();

        ImageGenerationResult first = await generator.GenerateAsync(new ImageGenerationRequest("a lighthouse"));
        await generator.GenerateAsync(new ImageGenerationRequest("a harbour"));

        Assert.That(first.EstimatedCostUsd, Is.Null);
        Assert.That(mock.Requests, Has.Count.EqualTo(2));
        CapturingLoggerProvider.LogEntry[] warnings = [.. logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.StartsWith("budget:", StringComparison.Ordinal))];
        Assert.That(warnings, Has.Length.EqualTo(1));
        Assert.That(warnings[0].Message, Does.Contain("prod-images").And.Contain("azure").And.Contain("cannot guard"));
    }

    [Test]
    public async Task Without_a_budget_an_unpriced_model_is_not_warned_about()
    {
        KeyedFakeProviderFactory factory = new("mystery-model");
        CapturingLoggerProvider logs = new();
        using ServiceProvider services = LimitsStack.Build(new ManualTimeProvider(), factory, [], logs, "sk-test-0123456789-aaaa");

        ImageGenerationResult result = await services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x"));

        Assert.That(result.EstimatedCostUsd, Is.Null);
        Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty);
    }

    private static ServiceProvider BuildAzure(OpenAIMock mock, CapturingLoggerProvider? logs, params (string Key, string Value)[] provider)
    {
        Dictionary<string, string?> settings = new()
        {
            ["ImageGeneration:Providers:azure:Type"] = "AzureOpenAI",
            ["ImageGeneration:Providers:azure:BaseUrl"] = "https://my-resource.openai.azure.test",
            ["ImageGeneration:Providers:azure:ApiKey"] = "0123456789abcdef0123456789abcdef",
            ["ImageGeneration:Cache:Backend"] = "None",
        };
        foreach ((string key, string value) in provider)
        {
            settings[key == "Budget" ? "ImageGeneration:Budget:DailyUsd" : $"ImageGeneration:Providers:azure:{key}"] = value;
        }

        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<TimeProvider>(mock.Time);
        if (logs is not null)
        {
            services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        }

        services.AddImageGeneration();
        services.UseFakeEnvironment();
        services.AddHttpClient("ImageGen.azure").ConfigurePrimaryHttpMessageHandler(() => mock.Handler);
        return services.BuildServiceProvider();
    }
}
