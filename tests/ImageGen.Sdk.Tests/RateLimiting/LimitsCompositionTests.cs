using ImageGen.Sdk.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Tests.RateLimiting;

public sealed class LimitsCompositionTests
{
    private const string KeyA = "sk-test-0123456789-aaaa";
    private const string KeyB = "sk-test-0123456789-bbbb";

    [Test]
    public void Limits_keys_quotas_budgets_and_prices_bind_from_configuration()
    {
        using ServiceProvider services = Build(new Dictionary<string, string?>
        {
            ["ImageGeneration:RateLimit:MaxConcurrency"] = "8",
            ["ImageGeneration:Providers:openai:RateLimit:RequestsPerMinute"] = "50",
            ["ImageGeneration:Providers:openai:RateLimit:Burst"] = "5",
            ["ImageGeneration:Providers:openai:RateLimit:MinInterval"] = "00:00:01",
            ["ImageGeneration:Providers:openai:RateLimit:MaxWait"] = "00:00:30",
            ["ImageGeneration:Providers:openai:KeyRotation"] = "Weighted",
            ["ImageGeneration:Providers:openai:KeyWeights:0"] = "3",
            ["ImageGeneration:Providers:openai:KeyWeights:1"] = "1",
            ["ImageGeneration:Providers:openai:KeyDailyLimit"] = "500",
            ["ImageGeneration:Providers:openai:KeyCooldown"] = "00:02:00",
            ["ImageGeneration:UserQuotas:DailyLimit"] = "20",
            ["ImageGeneration:UserQuotas:Tiers:pro:DailyLimit"] = "200",
            ["ImageGeneration:Budget:DailyUsd"] = "25.5",
            ["ImageGeneration:Pricing:Models:dall-e-3:PerImage:hd-1024x1024"] = "0.07",
        });

        ImageGenerationOptions options = services.GetRequiredService<IOptions<ImageGenerationOptions>>().Value;
        ImageProviderOptions openai = options.Providers["openai"];

        Assert.That(options.RateLimit.MaxConcurrency, Is.EqualTo(8));
        Assert.That(openai.RateLimit.RequestsPerMinute, Is.EqualTo(50));
        Assert.That(openai.RateLimit.Burst, Is.EqualTo(5));
        Assert.That(openai.RateLimit.MinInterval, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(openai.RateLimit.MaxWait, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(openai.KeyRotation, Is.EqualTo(KeyRotationStrategy.Weighted));
        Assert.That(openai.KeyWeights, Is.EqualTo(new[] { 3, 1 }));
        Assert.That(openai.KeyDailyLimit, Is.EqualTo(500));
        Assert.That(openai.KeyCooldown, Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(openai.QuotaCooldown, Is.EqualTo(TimeSpan.FromHours(1)), "default");
        Assert.That(options.UserQuotas.DailyLimit, Is.EqualTo(20));
        Assert.That(options.UserQuotas.Tiers["PRO"].DailyLimit, Is.EqualTo(200));
        Assert.That(options.Budget.DailyUsd, Is.EqualTo(25.5m));
        Assert.That(options.Pricing.Models["dall-e-3"].PerImage["hd-1024x1024"], Is.EqualTo(0.07m));
        Assert.That(services.GetRequiredService<IImageGenerator>(), Is.Not.Null);
    }

    [Test]
    public void Invalid_limits_fail_at_start_up_naming_the_key()
    {
        using ServiceProvider services = Build(new Dictionary<string, string?>
        {
            ["ImageGeneration:RateLimit:MaxWait"] = "-00:00:01",
            ["ImageGeneration:Providers:openai:RateLimit:RequestsPerMinute"] = "0",
            ["ImageGeneration:Providers:openai:KeyWeights:0"] = "0",
            ["ImageGeneration:Providers:openai:KeyWeights:1"] = "1",
            ["ImageGeneration:Providers:openai:KeyWeights:2"] = "1",
            ["ImageGeneration:UserQuotas:Tiers:free:MaxPixels"] = "0",
            ["ImageGeneration:Budget:MonthlyUsd"] = "-1",
            ["ImageGeneration:Providers:openai:Pricing:Models:dall-e-3:OutputPerMillionTokens"] = "-2",
        });

        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => _ = services.GetRequiredService<IOptions<ImageGenerationOptions>>().Value)!;

        Assert.That(ex.Failures, Has.Member("ImageGeneration:Providers:openai:RateLimit:RequestsPerMinute must be positive."));
        Assert.That(ex.Failures, Has.Member("ImageGeneration:RateLimit:MaxWait must not be negative."));
        Assert.That(ex.Failures, Has.Member("ImageGeneration:Providers:openai:KeyWeights:0 must be positive."));
        Assert.That(ex.Failures, Has.Some.StartsWith("ImageGeneration:Providers:openai:KeyWeights has 3 entries"));
        Assert.That(ex.Failures, Has.Member("ImageGeneration:UserQuotas:Tiers:free:MaxPixels must be positive."));
        Assert.That(ex.Failures, Has.Member("ImageGeneration:Budget:MonthlyUsd must be positive."));
        Assert.That(ex.Failures, Has.Member("ImageGeneration:Providers:openai:Pricing:Models:dall-e-3: token prices must not be negative."));
    }

    [Test]
    public async Task The_stack_binds_one_client_per_key_rotates_away_from_a_rejected_key_and_prices_the_result()
    {
        KeyedFakeFactory factory = new();
        using ServiceProvider services = Build([], factory);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        factory.Clients[KeyA].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);

        ImageGenerationResult first = await generator.GenerateAsync(new ImageGenerationRequest("a lighthouse") { Quality = ImageQuality.Hd });
        for (int i = 0; i < 5; i++)
        {
            await generator.GenerateAsync(new ImageGenerationRequest("a lighthouse"));
        }

        Assert.That(factory.Clients.Keys, Is.EquivalentTo(new[] { KeyA, KeyB }), "one client per key, each bound once");
        Assert.That(first.EstimatedCostUsd, Is.EqualTo(0.080m));
        Assert.That(factory.Clients[KeyA].CallCount, Is.EqualTo(1));
        Assert.That(factory.Clients[KeyB].CallCount, Is.EqualTo(6));
        IReadOnlyList<ApiKeyStatistics> keys = await services.GetRequiredService<IKeyPoolMonitor>().GetKeysAsync("openai");
        Assert.That(keys.Select(k => k.Fingerprint), Is.EqualTo(new[] { "sk-…aaaa", "sk-…bbbb" }));
        Assert.That(keys[0].State, Is.EqualTo(ApiKeyState.Retired));
        Assert.That(keys[1].Successes, Is.EqualTo(6));
    }

    [Test]
    public void A_budget_refusal_from_the_stack_makes_no_call()
    {
        KeyedFakeFactory factory = new();
        using ServiceProvider services = Build(new Dictionary<string, string?> { ["ImageGeneration:Budget:DailyUsd"] = "0.05" }, factory);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Quality = ImageQuality.Hd }))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.BudgetExceeded));
        Assert.That(factory.Clients.Values.Sum(c => c.CallCount), Is.Zero);
    }

    [Test]
    public async Task User_quotas_sit_in_the_stack_and_refuse_without_a_call()
    {
        KeyedFakeFactory factory = new();
        using ServiceProvider services = Build(new Dictionary<string, string?> { ["ImageGeneration:UserQuotas:DailyLimit"] = "1" }, factory);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        await generator.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" });

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" }))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(factory.Clients.Values.Sum(c => c.CallCount), Is.EqualTo(1));
    }

    [Test]
    public async Task A_cache_hit_spends_no_user_quota()
    {
        KeyedFakeFactory factory = new();
        using ServiceProvider services = Build(
            new Dictionary<string, string?> { ["ImageGeneration:UserQuotas:DailyLimit"] = "1", ["ImageGeneration:Cache:Backend"] = "Memory" },
            factory);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        await generator.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" });

        ImageGenerationResult hit = await generator.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" });
        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("y") { User = "alice" }))!;

        Assert.That(hit.FromCache, Is.True);
        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(factory.Clients.Values.Sum(c => c.CallCount), Is.EqualTo(1));
    }

    [Test]
    public async Task The_app_wide_limit_is_shared_by_every_provider()
    {
        KeyedFakeFactory factory = new();
        using ServiceProvider services = Build(
            new Dictionary<string, string?>
            {
                ["ImageGeneration:RateLimit:MaxConcurrency"] = "1",
                ["ImageGeneration:RateLimit:QueueLimit"] = "0",
                ["ImageGeneration:DefaultProvider"] = "openai",
                ["ImageGeneration:Providers:second:Type"] = "Fake",
                ["ImageGeneration:Providers:second:ApiKey"] = "sk-second-0123456789-cccc",
            },
            factory);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        TaskCompletionSource<ImageGenerationResult> slow = new(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Clients[KeyA].Then((_, _) => slow.Task);
        Task<ImageGenerationResult> first = generator.GenerateAsync(new ImageGenerationRequest("x") { Provider = "openai" });

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Provider = "second" }))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.Provider, Is.EqualTo("second"));
        Assert.That(factory.Clients["sk-second-0123456789-cccc"].CallCount, Is.Zero);
        slow.SetResult(FakeImageGenerator.CreateResult(new ImageGenerationRequest("x")));
        await first;
        await generator.GenerateAsync(new ImageGenerationRequest("x") { Provider = "second" });
        Assert.That(factory.Clients["sk-second-0123456789-cccc"].CallCount, Is.EqualTo(1));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, KeyedFakeFactory? factory = null)
    {
        settings["ImageGeneration:Providers:openai:Type"] = "Fake";
        settings["ImageGeneration:Providers:openai:ApiKeys:0"] = KeyA;
        settings["ImageGeneration:Providers:openai:ApiKeys:1"] = KeyB;

        // These tests count provider calls for identical requests: the cache would serve the repeats.
        settings.TryAdd("ImageGeneration:Cache:Backend", "None");
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<IImageProviderFactory>(factory ?? new KeyedFakeFactory());
        services.AddImageGeneration();
        return services.BuildServiceProvider();
    }

    private sealed class KeyedFakeFactory : IImageProviderFactory
    {
        // Stands in for OpenAI, so the shipped OpenAI prices apply (budgets and cost estimates).
        public IReadOnlyDictionary<string, ModelPriceOptions> DefaultPrices => ImageGen.Sdk.Providers.OpenAI.OpenAIImagePrices.Models;

        public Dictionary<string, FakeImageGenerator> Clients { get; } = [];

        public string ProviderType => "Fake";

        public bool RequiresApiKey => true;

        public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
        {
        }

        public ImageProviderDescriptor Describe(string name, ImageProviderOptions options) => new(name, ProviderType, "dall-e-3");

        public IImageGenerator Create(ImageProviderContext context)
        {
            FakeImageGenerator client = new(context.Name, "dall-e-3");
            Clients.Add(context.ApiKey!, client);
            return client;
        }
    }
}
