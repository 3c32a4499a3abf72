using ImageGen.Sdk.Tests.DependencyInjection;
using ImageGen.Sdk.Tests.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>A configuration reload that changes a provider's keys rebinds its key layer: a new key serves at once.</summary>
public sealed class KeyReloadTests
{
    private const string OldKey = "sk-test-0123456789-a1b2";
    private const string NewKey = "sk-test-9876543210-c3d4";
    private const string OtherKey = "sk-test-5555555555-e5f6";

    [Test]
    public async Task A_reload_with_a_new_key_replaces_a_retired_key_and_serves_the_next_call_at_once()
    {
        (ServiceProvider services, IConfigurationRoot configuration, KeyedFakeProviderFactory factory, ManualTimeProvider clock) = Build(OldKey);
        using ServiceProvider owned = services;
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        factory.Clients[OldKey].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("a")));
        ImageGenerationException refused = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("b")))!;
        Assert.That(refused.IsLocalRefusal, Is.True, "the only key is retired");

        configuration["ImageGeneration:Providers:openai:ApiKeys:0"] = NewKey;
        configuration.Reload();
        ImageGenerationResult served = await generator.GenerateAsync(new ImageGenerationRequest("c"));

        Assert.That(served.Images, Has.Count.EqualTo(1));
        Assert.That(factory.Clients[NewKey].CallCount, Is.EqualTo(1), "the new key's client took the call");
        Assert.That(factory.Clients[OldKey].CallCount, Is.EqualTo(1), "the rejected key was not sent again");
        Assert.That(clock.GetUtcNow(), Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), "no probe interval waited");
        IReadOnlyList<ApiKeyStatistics> keys = await services.GetRequiredService<IKeyPoolMonitor>().GetKeysAsync("openai");
        Assert.That(keys.Select(k => (k.Fingerprint, k.State)), Is.EqualTo(new[] { (ApiKeyFingerprint.Create(NewKey), ApiKeyState.Active) }), "the monitor shows the keys in use");
    }

    [Test]
    public async Task A_key_kept_across_a_reload_keeps_its_client_and_health()
    {
        (ServiceProvider services, IConfigurationRoot configuration, KeyedFakeProviderFactory factory, _) = Build(OldKey, NewKey);
        using ServiceProvider owned = services;
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        factory.Clients[OldKey].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        await generator.GenerateAsync(new ImageGenerationRequest("a"));

        configuration["ImageGeneration:Providers:openai:ApiKeys:2"] = OtherKey;
        configuration.Reload();
        configuration.Reload();
        for (int i = 0; i < 4; i++)
        {
            await generator.GenerateAsync(new ImageGenerationRequest($"call {i}"));
        }

        Assert.That(factory.Clients.Keys, Is.EquivalentTo(new[] { OldKey, NewKey, OtherKey }), "one client per key: kept keys were not created again");
        Assert.That(factory.Clients[OldKey].CallCount, Is.EqualTo(1), "the kept key is still retired");
        Assert.That(factory.Clients[NewKey].CallCount + factory.Clients[OtherKey].CallCount, Is.EqualTo(5));
        Assert.That(factory.Clients[OtherKey].CallCount, Is.GreaterThan(0), "the added key takes its turn");
    }

    private static (ServiceProvider Services, IConfigurationRoot Configuration, KeyedFakeProviderFactory Factory, ManualTimeProvider Clock) Build(params string[] keys)
    {
        Dictionary<string, string?> settings = new()
        {
            ["ImageGeneration:Providers:openai:Type"] = "Fake",
            ["ImageGeneration:Cache:Backend"] = "None",
            ["ImageGeneration:Retry:MaxRetries"] = "0",
        };
        for (int i = 0; i < keys.Length; i++)
        {
            settings[$"ImageGeneration:Providers:openai:ApiKeys:{i}"] = keys[i];
        }

        IConfigurationRoot configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        ManualTimeProvider clock = new();
        KeyedFakeProviderFactory factory = new();
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<Sdk.Providers.IImageProviderFactory>(factory);
        services.AddLogging(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingLoggerProvider()));
        services.AddImageGeneration();
        return (services.BuildServiceProvider(), configuration, factory, clock);
    }
}
