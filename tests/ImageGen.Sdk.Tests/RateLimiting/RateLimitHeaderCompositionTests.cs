using ImageGen.Sdk.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>
/// The rate-limit numbers cross the layers between the provider and the limiter (key rotation, budget/cost,
/// attempt timeout, retry) in the stack <c>AddImageGeneration()</c> builds.
/// </summary>
public sealed class RateLimitHeaderCompositionTests
{
    private const string KeyA = "sk-test-0123456789-aaaa";
    private const string KeyB = "sk-test-0123456789-bbbb";

    [Test]
    public async Task With_one_key_the_stack_holds_the_next_call_until_the_reported_reset()
    {
        ManualTimeProvider clock = new();
        KeyedFakeFactory factory = new();
        using ServiceProvider services = Build(clock, factory, KeyA);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        factory.Clients[KeyA].ThenSucceedWith(RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(2)));

        ImageGenerationResult first = await generator.GenerateAsync(new ImageGenerationRequest("a lighthouse"));
        int armed = clock.ActiveTimerCount;
        Task<ImageGenerationResult> next = generator.GenerateAsync(new ImageGenerationRequest("a harbour"));
        await LimitsTestClock.WaitUntilAsync(() => clock.ActiveTimerCount > armed && factory.Clients[KeyA].CallCount == 1, "the next call to wait on the clock");
        int held = clock.ActiveTimerCount;

        Assert.That(first.RateLimit!.RemainingRequests, Is.Zero, "the numbers reach the caller through every layer");
        Assert.That(first.EstimatedCostUsd, Is.Not.Null, "the cost layer annotated the same result");
        Assert.That(next.IsCompleted, Is.False);
        Assert.That(factory.Clients[KeyA].CallCount, Is.EqualTo(1));
        clock.Advance(TimeSpan.FromMilliseconds(1999));

        // A timer due by now fired inside Advance, on this thread: the same timers still armed mean nothing was released.
        Assert.That(clock.ActiveTimerCount, Is.EqualTo(held), "the wait is still armed 1 ms before the reset");
        Assert.That(factory.Clients[KeyA].CallCount, Is.EqualTo(1), "not before the reset");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await LimitsTestClock.WaitUntilAsync(() => next.IsCompleted, "the held call");
        await next;
        Assert.That(factory.Clients[KeyA].CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task With_two_keys_the_stack_sends_the_next_call_to_the_other_key_at_once()
    {
        ManualTimeProvider clock = new();
        KeyedFakeFactory factory = new();
        using ServiceProvider services = Build(clock, factory, KeyA, KeyB);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        factory.Clients[KeyA].ThenSucceedWith(RateLimitHeaderTestSupport.Requests(0, TimeSpan.FromSeconds(2)));

        await generator.GenerateAsync(new ImageGenerationRequest("a lighthouse"));
        ImageGenerationResult next = await generator.GenerateAsync(new ImageGenerationRequest("a harbour"));

        Assert.That(factory.Clients[KeyA].CallCount, Is.EqualTo(1));
        Assert.That(factory.Clients[KeyB].CallCount, Is.EqualTo(1));
        Assert.That(next.RateLimit, Is.Null);
        Assert.That(clock.GetUtcNow(), Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), "nobody waited");
    }

    private static ServiceProvider Build(ManualTimeProvider clock, KeyedFakeFactory factory, params string[] keys)
    {
        Dictionary<string, string?> settings = new()
        {
            ["ImageGeneration:Providers:openai:Type"] = "Fake",
            ["ImageGeneration:Providers:openai:KeyRotation"] = "Failover",
            ["ImageGeneration:Cache:Backend"] = "None",
        };
        for (int i = 0; i < keys.Length; i++)
        {
            settings[$"ImageGeneration:Providers:openai:ApiKeys:{i}"] = keys[i];
        }

        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton<IImageProviderFactory>(factory);
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
