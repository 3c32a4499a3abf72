using System.Runtime.InteropServices;
using ImageGen.Sdk.Caching;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Caching;

public class CachingImageGeneratorTests
{
    [Test]
    public async Task Second_identical_call_is_served_from_the_cache_without_an_upstream_call()
    {
        CacheHarness h = new();
        h.NumberEachCall(cost: 0.167m);
        ImageGenerationResult first = await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox"));
        ImageGenerationResult second = await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox"));

        Assert.That(h.Fake.CallCount, Is.EqualTo(1));
        Assert.That(first.FromCache, Is.False);
        Assert.That(second.FromCache, Is.True);
        Assert.That(second.Attempts, Is.Zero);
        Assert.That(second.IsStale, Is.False);
        Assert.That(second.EstimatedCostUsd, Is.EqualTo(0.167m));
        Assert.That((second.Provider, second.Model), Is.EqualTo(("fake", "fake-model")));
        Assert.That(second.Images[0].Data.ToArray(), Is.EqualTo(first.Images[0].Data.ToArray()));
    }

    [Test]
    public async Task A_memory_hit_returns_the_stored_bytes_without_copying()
    {
        CacheHarness h = new();
        ImageGenerationResult first = await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox"));
        ImageGenerationResult second = await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox"));
        Assert.That(MemoryMarshal.TryGetArray(first.Images[0].Data, out ArraySegment<byte> a), Is.True);
        Assert.That(MemoryMarshal.TryGetArray(second.Images[0].Data, out ArraySegment<byte> b), Is.True);
        Assert.That(b.Array, Is.SameAs(a.Array));
    }

    [Test]
    public async Task A_hit_never_carries_the_provider_url()
    {
        CacheHarness h = new();
        h.Fake.Handler = (request, _) => Task.FromResult(new ImageGenerationResult(
            [new GeneratedImage(new byte[] { 1, 2, 3 }, ImageMediaTypes.Png) { SourceUri = new Uri("https://cdn.example/expiring.png"), RevisedPrompt = "revised", Seed = 42, Width = 8, Height = 9 }],
            "fake", "fake-model"));
        await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox"));
        ImageGenerationResult hit = await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox"));

        GeneratedImage image = hit.Images.Single();
        Assert.That(hit.FromCache, Is.True);
        Assert.That(image.SourceUri, Is.Null);
        Assert.That(image.Data.ToArray(), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That((image.RevisedPrompt, image.Seed, image.Width, image.Height), Is.EqualTo(("revised", (long?)42, (int?)8, (int?)9)));
    }

    [Test]
    public async Task Bypass_neither_reads_nor_writes()
    {
        CacheHarness h = new();
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Cache = CacheMode.Bypass });
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Cache = CacheMode.Bypass });
        ImageGenerationResult normal = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Assert.That(normal.FromCache, Is.False, "Bypass must not have written");
        Assert.That(h.Fake.CallCount, Is.EqualTo(3));

        ImageGenerationResult bypass = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Cache = CacheMode.Bypass });
        Assert.That(bypass.FromCache, Is.False, "Bypass must not read");
        Assert.That(h.Fake.CallCount, Is.EqualTo(4));
    }

    [Test]
    public async Task Refresh_skips_the_read_and_overwrites_the_entry()
    {
        CacheHarness h = new();
        h.NumberEachCall();
        ImageGenerationResult first = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        ImageGenerationResult refreshed = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Cache = CacheMode.Refresh });
        ImageGenerationResult after = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));

        Assert.That(h.Fake.CallCount, Is.EqualTo(2));
        Assert.That(refreshed.FromCache, Is.False);
        Assert.That(refreshed.Images[0].Data.ToArray(), Is.Not.EqualTo(first.Images[0].Data.ToArray()));
        Assert.That(after.FromCache, Is.True);
        Assert.That(after.Images[0].Data.ToArray(), Is.EqualTo(refreshed.Images[0].Data.ToArray()));
    }

    [TestCase(ImageGenerationErrorKind.ServerError)]
    [TestCase(ImageGenerationErrorKind.ContentFiltered)]
    [TestCase(ImageGenerationErrorKind.InvalidRequest)]
    public async Task Failures_are_not_cached(ImageGenerationErrorKind kind)
    {
        CacheHarness h = new();
        h.Fake.ThenFail(kind);
        Assert.ThrowsAsync<ImageGenerationException>(() => h.Generator.GenerateAsync(new ImageGenerationRequest("fox")));
        ImageGenerationResult next = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Assert.That(next.FromCache, Is.False);
        Assert.That(h.Fake.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Stale_or_cached_results_from_below_are_not_stored()
    {
        CacheHarness h = new();
        h.Fake.Then((r, _) => Task.FromResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(r)) { IsStale = true }));
        h.Fake.Then((r, _) => Task.FromResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(r)) { FromCache = true }));
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        ImageGenerationResult third = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Assert.That(third.FromCache, Is.False);
        Assert.That(h.Fake.CallCount, Is.EqualTo(3));
    }

    [Test]
    public async Task Several_images_are_not_cached_unless_enabled()
    {
        CacheHarness off = new();
        await off.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Count = 2 });
        await off.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Count = 2 });
        Assert.That(off.Fake.CallCount, Is.EqualTo(2));

        CacheHarness on = new(new ImageCacheOptions { CacheMultipleImages = true });
        await on.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Count = 2 });
        ImageGenerationResult hit = await on.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Count = 2 });
        Assert.That(on.Fake.CallCount, Is.EqualTo(1));
        Assert.That(hit.Images, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task An_entry_expires_after_its_ttl()
    {
        CacheHarness h = new(new ImageCacheOptions { Ttl = TimeSpan.FromMinutes(10) });
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        h.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"))).FromCache, Is.True);
        h.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"))).FromCache, Is.False);
        Assert.That(h.Fake.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Prompt_white_space_is_normalised_but_other_differences_miss()
    {
        CacheHarness h = new();
        await h.Generator.GenerateAsync(new ImageGenerationRequest("a  red\n fox "));
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest(" a red fox"))).FromCache, Is.True);
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox") { Size = new ImageSize(512, 512) })).FromCache, Is.False);
        Assert.That((await h.Generator.GenerateAsync(new ImageGenerationRequest("a red fox!"))).FromCache, Is.False);
    }

    [Test]
    public async Task With_a_catalog_the_default_model_and_the_named_default_model_share_an_entry()
    {
        ImageProviderCatalog catalog = new([new ImageProviderDescriptor("fake", "Test", "fake-model")]);
        CacheHarness h = new(catalog: catalog);
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        ImageGenerationResult named = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Provider = "FAKE", Model = "fake-model" });
        ImageGenerationResult other = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Model = "other-model" });
        Assert.That(named.FromCache, Is.True);
        Assert.That(other.FromCache, Is.False);
    }

    [Test]
    public async Task A_failing_store_never_fails_the_request_and_is_logged_once_per_interval()
    {
        CacheHarness h = new(new ImageCacheOptions { StoreFailureLogInterval = TimeSpan.FromMinutes(1) }, new ThrowingStore());

        for (int i = 0; i < 3; i++)
        {
            ImageGenerationResult result = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
            Assert.That(result.FromCache, Is.False);
        }

        Assert.That(h.Fake.CallCount, Is.EqualTo(3));
        Assert.That(h.Logger.Entries.Count(e => e.Level == LogLevel.Warning), Is.EqualTo(1));
        Assert.That(h.Cache.GetStatistics().StoreFailures, Is.EqualTo(6));

        h.Time.Advance(TimeSpan.FromMinutes(1));
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        (LogLevel _, string message, Exception? _) = h.Logger.Entries.Where(e => e.Level == LogLevel.Warning).Last();
        Assert.That(h.Logger.Entries.Count(e => e.Level == LogLevel.Warning), Is.EqualTo(2));
        Assert.That(message, Does.Contain("5 more failures"));
    }

    [Test]
    public async Task Logs_name_the_short_hash_and_never_the_prompt()
    {
        CacheHarness h = new();
        await h.Generator.GenerateAsync(new ImageGenerationRequest("my confidential launch"));
        await h.Generator.GenerateAsync(new ImageGenerationRequest("my confidential launch"));
        string key = ImageCacheKeyBuilder.Compute(new ImageGenerationRequest("my confidential launch"), "", "").ShortHash;
        Assert.That(h.Logger.Entries.Select(e => e.Message), Has.Some.Contains("hit").And.Some.Contains("miss"));
        Assert.That(h.Logger.Entries.Select(e => e.Message), Has.All.Not.Contains("confidential"));
        Assert.That(h.Logger.Entries.Select(e => e.Message), Has.All.Contains(key));
        Assert.That(key, Has.Length.EqualTo(12));
        Assert.That(h.Logger.Entries.Select(e => e.Level), Has.All.EqualTo(LogLevel.Debug), "hit and miss are Debug");
    }

    [Test]
    public async Task A_coalesced_wait_is_logged_at_debug_with_the_short_hash_and_never_the_prompt()
    {
        CacheHarness h = new();
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Handler = async (request, _) =>
        {
            await gate.Task;
            return FakeImageGenerator.CreateResult(request);
        };
        Task<ImageGenerationResult> leader = h.Generator.GenerateAsync(new ImageGenerationRequest("my confidential launch"));
        Task<ImageGenerationResult> waiter = h.Generator.GenerateAsync(new ImageGenerationRequest("my confidential launch"));
        gate.SetResult();
        await Task.WhenAll(leader, waiter);

        string key = ImageCacheKeyBuilder.Compute(new ImageGenerationRequest("my confidential launch"), "", "").ShortHash;
        (LogLevel level, string message, _) = h.Logger.Entries.Single(e => e.Message.Contains("joined", StringComparison.Ordinal));
        Assert.That(level, Is.EqualTo(LogLevel.Debug));
        Assert.That(message, Does.Contain(key).And.Not.Contains("confidential"));
    }

    [Test]
    public void Cancelled_before_the_call_throws_without_an_upstream_call()
    {
        CacheHarness h = new();
        Assert.That(() => h.Generator.GenerateAsync(new ImageGenerationRequest("fox"), new CancellationToken(true)), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(h.Fake.CallCount, Is.Zero);
    }

    private sealed class ThrowingStore : IImageCacheStore
    {
        public ValueTask<ImageCacheEntry?> GetAsync(ImageCacheKey key, CancellationToken cancellationToken = default) => throw new IOException("disk on fire");

        public async ValueTask SetAsync(ImageCacheKey key, ImageCacheEntry entry, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            throw new IOException("disk full");
        }

        public ValueTask<bool> RemoveAsync(ImageCacheKey key, CancellationToken cancellationToken = default) => throw new IOException();

        public ValueTask InvalidateAsync(string? provider, string? model, CancellationToken cancellationToken = default) => throw new IOException();

        public ValueTask ClearAsync(CancellationToken cancellationToken = default) => throw new IOException();

        public ImageCacheStoreStatistics GetStatistics() => new();
    }
}
