using ImageGen.Sdk.Caching;
using Microsoft.Extensions.Logging;
using NSubstitute;

namespace ImageGen.Sdk.Tests.Caching;

public class CachingRoutingTests
{
    [Test]
    public async Task A_fallback_providers_image_is_not_stored_under_the_routed_providers_key()
    {
        IImageProviderCatalog catalog = Substitute.For<IImageProviderCatalog>();
        catalog.DefaultProvider.Returns("primary");
        catalog.Find(Arg.Any<string>()).Returns(call => string.Equals((string)call[0], "primary", StringComparison.OrdinalIgnoreCase)
            ? new ImageProviderDescriptor("primary", "fake", "primary-model")
            : null);
        CacheHarness h = new(catalog: catalog);

        // What a fallback layer below the cache returns when the primary failed: the other provider's image.
        h.Fake.Handler = (request, _) => Task.FromResult(FakeImageGenerator.CreateResult(request, "other", "other-model"));

        ImageGenerationResult first = await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox"));
        ImageGenerationResult second = await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox"));

        Assert.That(first.Provider, Is.EqualTo("other"));
        Assert.That(second.FromCache, Is.False, "the fallback's image must not answer a request routed to the primary");
        Assert.That(h.Fake.CallCount, Is.EqualTo(2));
        Assert.That(h.Logger.Entries.Any(e => e.Level == LogLevel.Debug && e.Message.Contains("not stored", StringComparison.Ordinal)), Is.True);
    }

    [Test]
    public async Task The_routed_providers_own_image_is_stored_whatever_the_case_of_its_name()
    {
        IImageProviderCatalog catalog = Substitute.For<IImageProviderCatalog>();
        catalog.DefaultProvider.Returns("primary");
        catalog.Find(Arg.Any<string>()).Returns(new ImageProviderDescriptor("primary", "fake", "primary-model"));
        CacheHarness h = new(catalog: catalog);
        h.Fake.Handler = (request, _) => Task.FromResult(FakeImageGenerator.CreateResult(request, "PRIMARY", "primary-model"));

        await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox"));
        ImageGenerationResult second = await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox"));

        Assert.That(second.FromCache, Is.True);
        Assert.That(h.Fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Without_a_catalog_a_request_naming_its_provider_is_checked_too()
    {
        CacheHarness h = new();

        // Built by hand: the fake's own helper would echo the request's provider.
        h.Fake.Handler = (request, _) => Task.FromResult(new ImageGenerationResult([new GeneratedImage(new byte[] { 1, 2, 3 }, ImageMediaTypes.Png)], "other", "other-model"));

        await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox") { Provider = "primary" });
        ImageGenerationResult second = await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox") { Provider = "primary" });

        Assert.That(second.FromCache, Is.False);
        Assert.That(h.Fake.CallCount, Is.EqualTo(2));
    }
}
