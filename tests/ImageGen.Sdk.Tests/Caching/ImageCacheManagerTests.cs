using ImageGen.Sdk.Caching;
using Microsoft.Extensions.DependencyInjection;
using NSubstitute;

namespace ImageGen.Sdk.Tests.Caching;

/// <summary>
/// The cache refers to no generator: the pipeline it sits in is found through <see cref="IImageGenerator.GetService"/>,
/// warming goes through that whole pipeline, and the layer keys by the catalog the pipeline below answers.
/// </summary>
public class ImageCacheManagerTests
{
    [Test]
    public async Task Warming_a_hand_composed_pipeline_goes_through_every_layer_above_the_cache()
    {
        CacheHarness h = new();
        int outerCalls = 0;
        IImageGenerator pipeline = new ImageGeneratorBuilder(h.Fake)
            .Use(inner => new CountingLayer(inner, () => Interlocked.Increment(ref outerCalls)))
            .UseCaching(h.Cache)
            .Build();

        ImageCacheWarmSummary summary = await pipeline.GetImageCache().WarmAsync([new ImageGenerationRequest("fox"), new ImageGenerationRequest("owl")]);
        ImageGenerationResult hit = await pipeline.GenerateAsync(new ImageGenerationRequest("fox"));

        Assert.That(summary, Is.EqualTo(new ImageCacheWarmSummary(AlreadyCached: 0, Generated: 2, Failed: 0, Skipped: 0)));
        Assert.That(outerCalls, Is.EqualTo(3), "both warmed requests and the hit went through the outer layer");
        Assert.That(hit.FromCache, Is.True);
        Assert.That(h.Fake.CallCount, Is.EqualTo(2));
        Assert.That(pipeline.GetImageCache().GetStatistics().Hits, Is.EqualTo(1));
    }

    [Test]
    public void A_pipeline_without_a_caching_layer_has_no_cache_to_manage()
    {
        IImageGenerator pipeline = new ImageGeneratorBuilder(new FakeImageGenerator()).Use(inner => new CountingLayer(inner, () => { })).Build();

        Assert.That(() => pipeline.GetImageCache(), Throws.InvalidOperationException.With.Message.Contains("UseCaching"));
    }

    [Test]
    public void The_caching_layer_answers_its_cache_through_GetService()
    {
        CacheHarness h = new();
        IImageGenerator pipeline = new ImageGeneratorBuilder(h.Fake).Use(inner => new CountingLayer(inner, () => { })).UseCaching(h.Cache).Build();

        Assert.That(pipeline.GetService<ImageCache>(), Is.SameAs(h.Cache));
        Assert.That(pipeline.GetService<CachingImageGenerator>(), Is.Not.Null);
    }

    [Test]
    public async Task The_layer_keys_by_the_catalog_the_pipeline_below_answers()
    {
        IImageProviderCatalog catalog = Substitute.For<IImageProviderCatalog>();
        catalog.DefaultProvider.Returns("primary");
        catalog.Find(Arg.Any<string>()).Returns(new ImageProviderDescriptor("primary", "fake", "primary-model"));
        CacheHarness h = new();
        h.Fake.Handler = (request, _) => Task.FromResult(FakeImageGenerator.CreateResult(request, "primary", "primary-model"));
        IImageGenerator pipeline = new ImageGeneratorBuilder(new CatalogAnsweringLayer(h.Fake, catalog)).UseCaching(h.Cache).Build();

        await pipeline.GenerateAsync(new ImageGenerationRequest("fox"));
        ImageGenerationResult sameRoute = await pipeline.GenerateAsync(new ImageGenerationRequest("fox") { Provider = "primary", Model = "primary-model" });
        bool removed = await pipeline.GetImageCache().RemoveAsync(new ImageGenerationRequest("fox") { Provider = "PRIMARY" });

        Assert.That(sameRoute.FromCache, Is.True, "a request naming the default route has the key of one naming none: the catalog resolved both");
        Assert.That(removed, Is.True);
        Assert.That(h.Fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Resolving_IImageCache_before_the_generator_works_and_warms_through_the_stack()
    {
        using ServiceProvider services = CachingServiceCollectionTests.Build(_ => { });
        IImageCache cache = services.GetRequiredService<IImageCache>();

        ImageCacheWarmSummary summary = await cache.WarmAsync([new ImageGenerationRequest("fox")]);
        ImageGenerationResult hit = await services.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("fox"));

        Assert.That(summary.Generated, Is.EqualTo(1));
        Assert.That(hit.FromCache, Is.True);
        Assert.That(cache.GetStatistics().Hits, Is.EqualTo(1));
    }

    /// <summary>A layer that answers a catalog, as the provider routing layer does.</summary>
    private sealed class CatalogAnsweringLayer(IImageGenerator inner, IImageProviderCatalog catalog) : DelegatingImageGenerator(inner)
    {
        public override object? GetService(Type serviceType, object? serviceKey = null)
            => serviceKey is null && serviceType == typeof(IImageProviderCatalog) ? catalog : base.GetService(serviceType, serviceKey);
    }
}
