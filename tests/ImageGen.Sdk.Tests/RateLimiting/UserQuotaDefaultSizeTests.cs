using ImageGen.Sdk.RateLimiting;
using ImageGen.Sdk.Tests.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary><c>UserQuotas:MaxPixels</c> also holds for a request without a size: the size the model will use is checked.</summary>
public sealed class UserQuotaDefaultSizeTests
{
    [Test]
    public async Task Through_the_stack_a_request_without_a_size_is_checked_at_the_models_default_size()
    {
        KeyedFakeProviderFactory factory = new();
        using ServiceProvider services = LimitsStack.Build(
            new ManualTimeProvider(),
            factory,
            new() { ["ImageGeneration:UserQuotas:MaxPixels"] = "1000000" },
            keys: "sk-test-0123456789-aaaa");
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();

        ArgumentException ex = Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" }))!;
        await generator.GenerateAsync(new ImageGenerationRequest("x") { User = "alice", Size = new ImageSize(512, 512) });
        await generator.GenerateAsync(new ImageGenerationRequest("x"));

        Assert.That(ex.Message, Does.Contain("1024x1024").And.Contain("dall-e-3").And.Contain("1000000"));
        Assert.That(factory.TotalCalls, Is.EqualTo(2), "the refused call was not sent");
    }

    [Test]
    public void A_model_that_picks_its_own_size_is_checked_at_the_largest_size_it_lists()
    {
        // The real OpenAI catalog: gpt-image-1 has no fixed default (size "auto"), its largest size is 1536x1024.
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(ImageGenerationTestServices.Configuration(
            ("ImageGeneration:Providers:openai:Type", "OpenAI"),
            ("ImageGeneration:Providers:openai:ApiKey", "sk-test-0123456789-aaaa"),
            ("ImageGeneration:UserQuotas:MaxPixels", "1048576"),
            ("ImageGeneration:Cache:Backend", "None")));
        services.AddImageGeneration();
        services.UseFakeEnvironment();
        using ServiceProvider provider = services.BuildServiceProvider();
        IImageGenerator generator = provider.GetRequiredService<IImageGenerator>();

        ArgumentException ex = Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" }))!;

        Assert.That(ex.Message, Does.Contain("1536x1024").And.Contain("gpt-image-1"));
    }

    [Test]
    public async Task Without_a_catalog_or_for_an_unknown_model_the_size_cannot_be_checked()
    {
        ImageProviderCatalog catalog = new([new ImageProviderDescriptor("p", "Fake", "known", [new ImageModelCapabilities("known") { DefaultSize = new ImageSize(2048, 2048) }])], "p");
        FakeImageGenerator fake = new();
        UserQuotaOptions options = new() { MaxPixels = 1_000_000 };
        UserQuotaImageGenerator withCatalog = new(fake, options, catalog: catalog);
        UserQuotaImageGenerator withoutCatalog = new(fake, options);

        Assert.ThrowsAsync<ArgumentException>(() => withCatalog.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" }));
        await withCatalog.GenerateAsync(new ImageGenerationRequest("x") { User = "alice", Model = "unknown" });
        await withoutCatalog.GenerateAsync(new ImageGenerationRequest("x") { User = "alice" });

        Assert.That(fake.CallCount, Is.EqualTo(2));
    }
}
