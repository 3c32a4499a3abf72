using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Pricing;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>
/// The scale-out seams: key state, spend and user quota counts registered before <c>AddImageGeneration()</c> are the
/// ones the stack uses, so two app instances sharing them act as one.
/// </summary>
public sealed class SharedStateCompositionTests
{
    private const string KeyA = "sk-test-0123456789-aaaa";
    private const string KeyB = "sk-test-0123456789-bbbb";

    [Test]
    public async Task A_key_cooled_by_one_instance_is_skipped_by_the_other()
    {
        InMemoryKeyStateStore shared = new();
        ManualTimeProvider clock = new();
        (ServiceProvider first, KeyedFakeProviderFactory firstFactory) = Instance(clock, s => s.AddSingleton<IKeyStateStore>(shared), []);
        (ServiceProvider second, KeyedFakeProviderFactory secondFactory) = Instance(clock, s => s.AddSingleton<IKeyStateStore>(shared), []);
        using (first)
        using (second)
        {
            firstFactory.Clients[KeyA].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(30), status: 429);
            await first.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x"));

            await second.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("y"));

            Assert.That(secondFactory.Clients[KeyA].CallCount, Is.Zero, "key A cools for both instances");
            Assert.That(secondFactory.Clients[KeyB].CallCount, Is.EqualTo(1));
            IReadOnlyList<ApiKeyStatistics> seen = await second.GetRequiredService<IKeyPoolMonitor>().GetKeysAsync("openai");
            Assert.That(seen[0].State, Is.EqualTo(ApiKeyState.Cooling));
        }
    }

    [Test]
    public async Task Spend_recorded_by_one_instance_counts_against_the_others_budget()
    {
        InMemoryBudgetSpendStore shared = new(new ManualTimeProvider());
        ManualTimeProvider clock = new();
        Dictionary<string, string?> budget = new() { ["ImageGeneration:Budget:DailyUsd"] = "0.10" };
        (ServiceProvider first, _) = Instance(clock, s => s.AddSingleton<IBudgetSpendStore>(shared), budget);
        (ServiceProvider second, KeyedFakeProviderFactory secondFactory) = Instance(clock, s => s.AddSingleton<IBudgetSpendStore>(shared), new(budget));
        using (first)
        using (second)
        {
            // dall-e-3 standard 1024x1024: 0.04 each.
            await first.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x"));
            await first.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("y"));

            ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => second.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("z")))!;

            Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.BudgetExceeded));
            Assert.That(secondFactory.TotalCalls, Is.Zero);
        }
    }

    [Test]
    public async Task A_users_daily_images_are_counted_across_instances()
    {
        InMemoryUserQuotaStore shared = new();
        ManualTimeProvider clock = new();
        Dictionary<string, string?> quota = new() { ["ImageGeneration:UserQuotas:DailyLimit"] = "1" };
        (ServiceProvider first, _) = Instance(clock, s => s.AddSingleton<IUserQuotaStore>(shared), quota);
        (ServiceProvider second, KeyedFakeProviderFactory secondFactory) = Instance(clock, s => s.AddSingleton<IUserQuotaStore>(shared), new(quota));
        using (first)
        using (second)
        {
            await first.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x") { User = "alice" });

            ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => second.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("y") { User = "alice" }))!;

            Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
            Assert.That(secondFactory.TotalCalls, Is.Zero);
        }
    }

    private static (ServiceProvider Services, KeyedFakeProviderFactory Factory) Instance(ManualTimeProvider clock, Action<IServiceCollection> register, Dictionary<string, string?> settings)
    {
        settings["ImageGeneration:Providers:openai:Type"] = "Fake";
        settings["ImageGeneration:Providers:openai:KeyRotation"] = "Failover";
        settings["ImageGeneration:Providers:openai:ApiKeys:0"] = KeyA;
        settings["ImageGeneration:Providers:openai:ApiKeys:1"] = KeyB;
        settings["ImageGeneration:Cache:Backend"] = "None";
        KeyedFakeProviderFactory factory = new();
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IImageProviderFactory>(factory);
        register(services);
        services.AddImageGeneration();
        ServiceProvider provider = services.BuildServiceProvider();
        _ = provider.GetRequiredService<IImageGenerator>();
        return (provider, factory);
    }
}
