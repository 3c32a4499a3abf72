using ImageGen.Sdk.Caching;

namespace ImageGen.Sdk.Tests.Caching;

public class MemoryImageCacheStoreTests
{
    private readonly ManualTimeProvider _time = new();

    [Test]
    public async Task The_byte_limit_refuses_what_does_not_fit()
    {
        using MemoryImageCacheStore store = new(maxSizeBytes: 10_000, _time);
        await store.SetAsync(Key("a"), Entry(3000));
        await store.SetAsync(Key("b"), Entry(3000));
        await store.SetAsync(Key("too-big"), Entry(20_000));

        Assert.That(await store.GetAsync(Key("a")), Is.Not.Null);
        Assert.That(await store.GetAsync(Key("too-big")), Is.Null);
        Assert.That(store.GetStatistics().Entries, Is.EqualTo(2));
    }

    [Test]
    public async Task Entries_leave_when_their_retention_ends_on_the_injected_clock()
    {
        using MemoryImageCacheStore store = new(timeProvider: _time);
        await store.SetAsync(Key("a"), Entry(10));
        _time.Advance(TimeSpan.FromMinutes(119));
        Assert.That(await store.GetAsync(Key("a")), Is.Not.Null, "past its TTL but within retention: kept for stale-if-error");
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.That(await store.GetAsync(Key("a")), Is.Null);
    }

    [Test]
    public async Task Remove_and_invalidate()
    {
        using MemoryImageCacheStore store = new(timeProvider: _time);
        await store.SetAsync(Key("a"), Entry(10, "openai", "dall-e-3"));
        await store.SetAsync(Key("b"), Entry(10, "azure", "dall-e-3"));
        await store.SetAsync(Key("c"), Entry(10, "azure", "gpt-image-1"));
        Assert.That(await store.RemoveAsync(Key("a")), Is.True);
        Assert.That(await store.RemoveAsync(Key("a")), Is.False);
        await store.InvalidateAsync("Azure", "DALL-E-3");
        Assert.That(await store.GetAsync(Key("b")), Is.Null);
        Assert.That(await store.GetAsync(Key("c")), Is.Not.Null);
    }

    private static ImageCacheKey Key(string prompt) => ImageCacheKeyBuilder.Compute(new ImageGenerationRequest(prompt), "p", "m");

    private ImageCacheEntry Entry(int bytes, string provider = "p", string model = "m")
        => ImageCacheEntry.FromResult(
            new ImageGenerationResult([new GeneratedImage(new byte[bytes], ImageMediaTypes.Png)], provider, model),
            _time.GetUtcNow(),
            TimeSpan.FromHours(1),
            TimeSpan.FromHours(1));
}
