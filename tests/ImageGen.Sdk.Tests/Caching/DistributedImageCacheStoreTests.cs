using ImageGen.Sdk.Caching;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Tests.Caching;

public class DistributedImageCacheStoreTests
{
    private readonly ManualTimeProvider _time = new();

    [Test]
    public async Task Round_trips_an_entry_with_its_bytes_inline()
    {
        MemoryDistributedCache backing = NewBacking();
        DistributedImageCacheStore store = new(backing, _time);
        ImageCacheEntry entry = Entry("openai", "gpt-image-1", 0.19m);
        await store.SetAsync(Key("fox"), entry);

        ImageCacheEntry? read = await new DistributedImageCacheStore(backing, _time).GetAsync(Key("fox"));
        Assert.That(read, Is.Not.Null);
        Assert.That(read!.Images[0].Data.ToArray(), Is.EqualTo(entry.Images[0].Data.ToArray()));
        Assert.That((read.Provider, read.Model, read.EstimatedCostUsd, read.ExpiresAt), Is.EqualTo(("openai", "gpt-image-1", (decimal?)0.19m, entry.ExpiresAt)));
        Assert.That(await backing.GetAsync("imagegen:v1:" + Key("fox").ToHexString()), Is.Not.Null, "keys are namespaced and hashed");
    }

    [Test]
    public async Task Clear_and_invalidate_hide_older_entries_here_at_once_and_elsewhere_after_the_refresh_interval()
    {
        MemoryDistributedCache backing = NewBacking();
        DistributedImageCacheStore here = new(backing, _time);
        DistributedImageCacheStore elsewhere = new(backing, _time, TimeSpan.FromSeconds(5));
        await here.SetAsync(Key("a"), Entry("openai", "dall-e-3"));
        await here.SetAsync(Key("b"), Entry("azure", "gpt-image-1"));
        Assert.That(await elsewhere.GetAsync(Key("a")), Is.Not.Null);

        await here.InvalidateAsync("openai", null);
        Assert.That(await here.GetAsync(Key("a")), Is.Null);
        Assert.That(await here.GetAsync(Key("b")), Is.Not.Null);

        await here.SetAsync(Key("a"), Entry("openai", "dall-e-3"));
        Assert.That(await here.GetAsync(Key("a")), Is.Not.Null, "an entry written after the rule is valid");

        await here.ClearAsync();
        Assert.That(await here.GetAsync(Key("b")), Is.Null);
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.That(await elsewhere.GetAsync(Key("a")), Is.Null);
    }

    [Test]
    public async Task A_corrupted_value_is_a_miss_and_is_removed()
    {
        MemoryDistributedCache backing = NewBacking();
        string cacheKey = "imagegen:v1:" + Key("fox").ToHexString();
        await backing.SetAsync(cacheKey, [1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.That(await new DistributedImageCacheStore(backing, _time).GetAsync(Key("fox")), Is.Null);
        Assert.That(await backing.GetAsync(cacheKey), Is.Null);
    }

    [Test]
    public async Task Entries_past_their_retention_are_misses()
    {
        MemoryDistributedCache backing = NewBacking();
        DistributedImageCacheStore store = new(backing, _time);
        await store.SetAsync(Key("fox"), Entry("openai", "gpt-image-1"));
        _time.Advance(TimeSpan.FromHours(3));
        Assert.That(await store.GetAsync(Key("fox")), Is.Null);
    }

    private static MemoryDistributedCache NewBacking() => new(Options.Create(new MemoryDistributedCacheOptions()));

    private static ImageCacheKey Key(string prompt) => ImageCacheKeyBuilder.Compute(new ImageGenerationRequest(prompt), "p", "m");

    private ImageCacheEntry Entry(string provider, string model, decimal? cost = null)
        => ImageCacheEntry.FromResult(
            new ImageGenerationResult([new GeneratedImage(new byte[] { 9, 8, 7, 6 }, ImageMediaTypes.Png)], provider, model) { EstimatedCostUsd = cost },
            _time.GetUtcNow(),
            TimeSpan.FromHours(1),
            TimeSpan.FromHours(1));
}
