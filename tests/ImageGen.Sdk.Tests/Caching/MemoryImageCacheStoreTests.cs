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
    public async Task Over_the_limit_the_least_recently_used_entries_are_evicted_and_counted()
    {
        // Each entry weighs 5,000 bytes plus 512 of bookkeeping: 18 of them fill 99,216 of 100,000 bytes.
        using MemoryImageCacheStore store = new(maxSizeBytes: 100_000, _time);
        for (int i = 0; i < 18; i++)
        {
            await store.SetAsync(Key($"e{i}"), Entry(5000));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // Reading e0 makes it the most recently used: e1 is now the least recently used.
        Assert.That(await store.GetAsync(Key("e0")), Is.Not.Null);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(store.GetStatistics().Evictions, Is.Zero);

        // MemoryCache refuses the entry that does not fit (counted as an eviction too) and compacts in the background
        // down to 95% of the limit, least recently used first.
        await store.SetAsync(Key("overflow"), Entry(5000));
        // Eviction callbacks run on the thread pool too: wait for both before reading the figures.
        await RateLimiting.LimitsTestClock.WaitUntilAsync(
            () => store.GetStatistics() is { Entries: < 18, Evictions: >= 2 }, "the background compaction and its eviction callbacks");

        Assert.That(await store.GetAsync(Key("e1")), Is.Null, "the least recently used entry was evicted");
        Assert.That(await store.GetAsync(Key("e0")), Is.Not.Null, "a recently read entry survives");
        Assert.That(await store.GetAsync(Key("e17")), Is.Not.Null, "the newest entry survives");
        Assert.That(await store.GetAsync(Key("overflow")), Is.Null, "the entry that did not fit was refused");
        ImageCacheStoreStatistics statistics = store.GetStatistics();
        Assert.That(statistics.Entries, Is.EqualTo(17));
        Assert.That(statistics.Evictions, Is.EqualTo(2), "the refused entry and the compacted one");
        Assert.That(statistics.Bytes, Is.EqualTo(17 * (5000 + 512)));
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
