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

    [Test]
    public async Task Clear_and_invalidate_in_one_application_leave_another_prefixes_entries_alone()
    {
        MemoryDistributedCache backing = NewBacking();
        DistributedImageCacheStore tenantA = new(backing, _time, keyPrefix: "tenant-a");
        DistributedImageCacheStore tenantB = new(backing, _time, keyPrefix: "tenant-b");
        ImageCacheKey keyA = ImageCacheKeyBuilder.Compute(new ImageGenerationRequest("fox"), "p", "m", "tenant-a");
        ImageCacheKey keyB = ImageCacheKeyBuilder.Compute(new ImageGenerationRequest("fox"), "p", "m", "tenant-b");
        await tenantA.SetAsync(keyA, Entry("openai", "gpt-image-1"));
        await tenantB.SetAsync(keyB, Entry("openai", "gpt-image-1"));

        await tenantA.ClearAsync();
        await tenantA.InvalidateAsync("openai", null);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.That(await tenantA.GetAsync(keyA), Is.Null);
        Assert.That(await tenantB.GetAsync(keyB), Is.Not.Null, "another tenant's entries survive");
        Assert.That(await new DistributedImageCacheStore(backing, _time, keyPrefix: "tenant-b").GetAsync(keyB), Is.Not.Null);
        Assert.That(await backing.GetAsync("imagegen:v1:invalidations"), Is.Null, "a prefixed store never writes the shared rules");
    }

    [Test]
    public async Task A_value_whose_decimal_is_corrupt_is_a_miss_and_is_removed()
    {
        MemoryDistributedCache backing = NewBacking();
        await new DistributedImageCacheStore(backing, _time).SetAsync(Key("fox"), Entry("openai", "gpt-image-1", 0.04m));
        string cacheKey = "imagegen:v1:" + Key("fox").ToHexString();
        byte[] value = (await backing.GetAsync(cacheKey))!;
        CorruptData.BreakCostDecimal(value, "openai", "gpt-image-1");
        await backing.SetAsync(cacheKey, value);

        // BinaryReader reports an invalid decimal as an IOException: still a corrupt entry, not a store failure.
        Assert.That(await new DistributedImageCacheStore(backing, _time).GetAsync(Key("fox")), Is.Null);
        Assert.That(await backing.GetAsync(cacheKey), Is.Null);
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
