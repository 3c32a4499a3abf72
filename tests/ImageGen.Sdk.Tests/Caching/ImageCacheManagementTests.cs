using ImageGen.Sdk.Caching;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Tests.Caching;

public class ImageCacheManagementTests
{
    [Test]
    public async Task Statistics_count_hits_misses_coalesced_waits_and_cost_saved()
    {
        CacheHarness h = new();
        h.NumberEachCall(cost: 0.25m);
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Then(async (r, _) =>
        {
            await gate.Task;
            return new ImageGenerationResult(FakeImageGenerator.CreateResult(r)) { EstimatedCostUsd = 0.25m };
        });
        Task<ImageGenerationResult> a = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Task<ImageGenerationResult> b = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        gate.SetResult();
        await Task.WhenAll(a, b);
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));

        ImageCacheStatistics stats = h.Cache.GetStatistics();
        Assert.That((stats.Hits, stats.Misses, stats.CoalescedWaits, stats.StaleHits), Is.EqualTo((2L, 2L, 1L, 0L)));
        Assert.That(stats.HitRate, Is.EqualTo(0.5));
        Assert.That(stats.EstimatedCostSavedUsd, Is.EqualTo(0.75m), "two hits and one coalesced wait each saved a call");
        Assert.That(stats.Entries, Is.EqualTo(1));
        Assert.That(stats.Bytes, Is.GreaterThan(0));
    }

    [Test]
    public async Task RemoveAsync_removes_the_entry_a_request_would_hit()
    {
        CacheHarness h = new();
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        await h.Generator.GenerateAsync(new ImageGenerationRequest("owl"));
        Assert.That(await h.Generator.GetImageCache().RemoveAsync(new ImageGenerationRequest(" fox ")), Is.True);
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"))).FromCache, Is.False);
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("owl"))).FromCache, Is.True);
    }

    [Test]
    public async Task InvalidateAsync_removes_a_provider_or_model_and_ClearAsync_removes_everything()
    {
        CacheHarness h = new();
        await h.Generator.GenerateAsync(new ImageGenerationRequest("a") { Provider = "openai", Model = "dall-e-3" });
        await h.Generator.GenerateAsync(new ImageGenerationRequest("b") { Provider = "openai", Model = "gpt-image-1" });
        await h.Generator.GenerateAsync(new ImageGenerationRequest("c") { Provider = "azure", Model = "gpt-image-1" });

        await h.Cache.InvalidateAsync(null, "DALL-E-3");
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("a") { Provider = "openai", Model = "dall-e-3" })).FromCache, Is.False);
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("b") { Provider = "openai", Model = "gpt-image-1" })).FromCache, Is.True);

        await h.Cache.InvalidateAsync("openai", null);
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("b") { Provider = "openai", Model = "gpt-image-1" })).FromCache, Is.False);
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("c") { Provider = "azure", Model = "gpt-image-1" })).FromCache, Is.True);

        await h.Cache.ClearAsync();
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("c") { Provider = "azure", Model = "gpt-image-1" })).FromCache, Is.False);
    }

    [Test]
    public async Task WarmAsync_generates_missing_requests_with_bounded_parallelism()
    {
        CacheHarness h = new();
        await h.Generator.GenerateAsync(new ImageGenerationRequest("already"));
        int inFlight = 0;
        int maxInFlight = 0;
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource twoInFlight = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Handler = async (request, _) =>
        {
            int now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            if (now >= 2)
            {
                twoInFlight.TrySetResult();
            }

            await gate.Task;
            Interlocked.Decrement(ref inFlight);
            if (request.Prompt == "broken")
            {
                throw new ImageGenerationException(ImageGenerationErrorKind.ServerError, "boom");
            }

            return FakeImageGenerator.CreateResult(request);
        };

        List<ImageGenerationRequest> requests = [.. Enumerable.Range(0, 8).Select(i => new ImageGenerationRequest($"p{i}")), new("already"), new("broken"), new("many") { Count = 3 }];
        Task<ImageCacheWarmSummary> warming = h.Generator.GetImageCache().WarmAsync(requests, maxDegreeOfParallelism: 2);
        // Hold the first calls until the warm-up has started as many as it may (a spin of yields could give up
        // early on a loaded machine and let the calls run one by one).
        await twoInFlight.Task.WaitAsync(TimeSpan.FromSeconds(30));
        gate.SetResult();
        ImageCacheWarmSummary summary = await warming;

        Assert.That(maxInFlight, Is.EqualTo(2));
        Assert.That(summary, Is.EqualTo(new ImageCacheWarmSummary(AlreadyCached: 1, Generated: 8, Failed: 1, Skipped: 1)));
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("p5"))).FromCache, Is.True);
    }

    [Test]
    public async Task Through_the_container_warming_goes_through_the_whole_stack_and_removal_uses_the_catalog()
    {
        using ServiceProvider services = CachingServiceCollectionTests.Build(_ => { });
        IImageCache cache = services.GetRequiredService<IImageCache>();
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        _ = generator;

        ImageCacheWarmSummary summary = await cache.WarmAsync([new ImageGenerationRequest("fox"), new ImageGenerationRequest(" ")]);
        Assert.That((summary.Generated, summary.Failed), Is.EqualTo((1, 1)), "the blank prompt fails validation");
        Assert.That((await generator.GenerateAsync(new ImageGenerationRequest("fox") { Model = "counting-model" })).FromCache, Is.True);
        Assert.That(await cache.RemoveAsync(new ImageGenerationRequest("fox") { Provider = "test" }), Is.True);
        Assert.That((await generator.GenerateAsync(new ImageGenerationRequest("fox"))).FromCache, Is.False);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
