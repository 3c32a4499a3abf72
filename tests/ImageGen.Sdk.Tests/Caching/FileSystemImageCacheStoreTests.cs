using System.Text;
using ImageGen.Sdk.Caching;

namespace ImageGen.Sdk.Tests.Caching;

public class FileSystemImageCacheStoreTests
{
    private string _directory = null!;
    private ManualTimeProvider _time = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Path.Combine(Path.GetTempPath(), "imagegen-cache-tests", Guid.NewGuid().ToString("N"));
        _time = new ManualTimeProvider();
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Test]
    public async Task An_entry_is_found_by_a_new_instance_on_the_same_directory()
    {
        ImageCacheKey key = Key("fox");
        ImageCacheEntry entry = Entry(Bytes(1000, 1), cost: 0.04m);
        using (FileSystemImageCacheStore writer = NewStore())
        {
            await writer.SetAsync(key, entry);
        }

        using FileSystemImageCacheStore reader = NewStore();
        ImageCacheEntry? read = await reader.GetAsync(key);
        Assert.That(read, Is.Not.Null);
        Assert.That(read!.Images[0].Data.ToArray(), Is.EqualTo(entry.Images[0].Data.ToArray()));
        Assert.That((read.Provider, read.Model, read.EstimatedCostUsd), Is.EqualTo(("openai", "gpt-image-1", (decimal?)0.04m)));
        Assert.That((read.Images[0].RevisedPrompt, read.Images[0].Seed, read.Images[0].Width), Is.EqualTo(("revised", (long?)5, (int?)64)));
        Assert.That(read.ExpiresAt, Is.EqualTo(entry.ExpiresAt));
    }

    [Test]
    public async Task A_leftover_temp_file_is_never_served()
    {
        using FileSystemImageCacheStore store = NewStore();
        ImageCacheKey key = Key("fox");
        await store.SetAsync(Key("other"), Entry(Bytes(10, 1)));
        string hex = key.ToHexString();
        string entriesDir = Path.Combine(_directory, "v1", "entries", hex[..2]);
        Directory.CreateDirectory(entriesDir);

        // What a writer that crashed mid-write leaves behind: a temp file next to where the entry would go.
        await File.WriteAllBytesAsync(Path.Combine(entriesDir, $"{hex}.entry.0123456789abcdef.tmp"), Encoding.UTF8.GetBytes("partial"));
        Assert.That(await store.GetAsync(key), Is.Null);
    }

    [Test]
    public async Task Sweep_deletes_temp_files_older_than_the_max_age_and_keeps_young_ones()
    {
        using FileSystemImageCacheStore store = NewStore();
        await store.SetAsync(Key("other"), Entry(Bytes(10, 1)));
        string entriesDir = Path.Combine(_directory, "v1", "entries", "ab");
        string blobsDir = Path.Combine(_directory, "v1", "blobs", "cd");
        Directory.CreateDirectory(entriesDir);
        Directory.CreateDirectory(blobsDir);
        string crashed = Path.Combine(entriesDir, "ab12.entry.0123456789abcdef.tmp");
        string crashedBlob = Path.Combine(blobsDir, "cd34.blob.0123456789abcdef.tmp");
        string inProgress = Path.Combine(entriesDir, "ab56.entry.fedcba9876543210.tmp");
        foreach (string path in new[] { crashed, crashedBlob, inProgress })
        {
            await File.WriteAllBytesAsync(path, Encoding.UTF8.GetBytes("partial"));
        }

        DateTime now = _time.GetUtcNow().UtcDateTime;
        File.SetLastWriteTimeUtc(crashed, now.AddHours(-2));
        File.SetLastWriteTimeUtc(crashedBlob, now.AddHours(-2));

        // Another process may be writing this one right now: renaming it into place must still work.
        File.SetLastWriteTimeUtc(inProgress, now.AddMinutes(-1));

        store.Sweep();

        Assert.That(File.Exists(crashed), Is.False);
        Assert.That(File.Exists(crashedBlob), Is.False);
        Assert.That(File.Exists(inProgress), Is.True);
    }

    [Test]
    public async Task A_corrupted_blob_is_a_miss_and_is_removed()
    {
        using FileSystemImageCacheStore store = NewStore();
        ImageCacheKey key = Key("fox");
        await store.SetAsync(key, Entry(Bytes(4096, 3)));
        Assert.That(await store.GetAsync(key), Is.Not.Null);

        string blob = Directory.GetFiles(_directory, "*.blob", SearchOption.AllDirectories).Single();
        byte[] bytes = await File.ReadAllBytesAsync(blob);
        bytes[100] ^= 0xFF;
        await File.WriteAllBytesAsync(blob, bytes);
        File.SetLastWriteTimeUtc(blob, DateTime.UtcNow.AddMinutes(1));

        Assert.That(await store.GetAsync(key), Is.Null);
        Assert.That(File.Exists(blob), Is.False);
        Assert.That(Directory.GetFiles(_directory, "*.entry", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task A_truncated_blob_is_a_miss()
    {
        using FileSystemImageCacheStore store = NewStore();
        ImageCacheKey key = Key("fox");
        await store.SetAsync(key, Entry(Bytes(4096, 3)));
        string blob = Directory.GetFiles(_directory, "*.blob", SearchOption.AllDirectories).Single();
        await using (FileStream stream = new(blob, FileMode.Open))
        {
            stream.SetLength(1000);
        }

        using FileSystemImageCacheStore fresh = NewStore();
        Assert.That(await fresh.GetAsync(key), Is.Null);
    }

    [Test]
    public async Task A_corrupted_index_file_is_a_miss_and_is_removed()
    {
        using FileSystemImageCacheStore store = NewStore();
        ImageCacheKey key = Key("fox");
        await store.SetAsync(key, Entry(Bytes(100, 3)));
        string index = Directory.GetFiles(_directory, "*.entry", SearchOption.AllDirectories).Single();
        await File.WriteAllBytesAsync(index, [1, 2, 3]);
        Assert.That(await store.GetAsync(key), Is.Null);
        Assert.That(File.Exists(index), Is.False);
    }

    [Test]
    public async Task An_index_file_whose_decimal_is_corrupt_is_a_miss_and_is_removed()
    {
        using FileSystemImageCacheStore store = NewStore();
        ImageCacheKey key = Key("fox");
        await store.SetAsync(key, Entry(Bytes(100, 3), cost: 0.04m));
        string index = Directory.GetFiles(_directory, "*.entry", SearchOption.AllDirectories).Single();
        byte[] data = await File.ReadAllBytesAsync(index);
        CorruptData.BreakCostDecimal(data, "openai", "gpt-image-1");
        await File.WriteAllBytesAsync(index, data);

        Assert.That(await store.GetAsync(key), Is.Null);
        Assert.That(File.Exists(index), Is.False, "removed as corrupt, not reported as a store failure on every read");
    }

    [Test]
    public async Task Eviction_keeps_the_directory_under_the_size_limit_and_drops_the_least_recently_used()
    {
        const long Limit = 20_000;
        using FileSystemImageCacheStore store = NewStore(Limit);
        for (int i = 0; i < 12; i++)
        {
            await store.SetAsync(Key($"p{i}"), Entry(Bytes(3000, (byte)i)));
            _time.Advance(TimeSpan.FromSeconds(1));
            if (i == 2)
            {
                // Reading p0 makes it recently used: it should outlive p1..
                Assert.That(await store.GetAsync(Key("p0")), Is.Not.Null);
            }

            Assert.That(DirectorySize(), Is.LessThanOrEqualTo(Limit), $"after entry {i}");
        }

        Assert.That(await store.GetAsync(Key("p11")), Is.Not.Null);
        Assert.That(await store.GetAsync(Key("p1")), Is.Null);
        Assert.That(store.GetStatistics().Evictions, Is.GreaterThan(0));
        Assert.That(store.GetStatistics().Bytes, Is.LessThanOrEqualTo(Limit));
    }

    [Test]
    public async Task The_same_image_under_two_keys_is_stored_once()
    {
        using FileSystemImageCacheStore store = NewStore();
        byte[] image = Bytes(2000, 9);
        await store.SetAsync(Key("a"), Entry(image));
        await store.SetAsync(Key("b"), Entry(image));
        Assert.That(Directory.GetFiles(_directory, "*.blob", SearchOption.AllDirectories), Has.Length.EqualTo(1));
        await store.RemoveAsync(Key("a"));
        store.Sweep();
        Assert.That((await store.GetAsync(Key("b")))!.Images[0].Data.ToArray(), Is.EqualTo(image), "a shared blob outlives one of its entries");
    }

    [Test]
    public async Task File_names_and_contents_never_contain_the_prompt()
    {
        using FileSystemImageCacheStore store = NewStore();
        CacheHarness h = new(store: store);
        await h.Generator.GenerateAsync(new ImageGenerationRequest("zebra-confidential-launch"));
        foreach (string file in Directory.GetFiles(_directory, "*", SearchOption.AllDirectories))
        {
            Assert.That(file, Does.Not.Contain("zebra"));
            string content = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
            if (file.EndsWith(".entry", StringComparison.Ordinal))
            {
                Assert.That(content, Does.Not.Contain("zebra"));
            }
        }
    }

    [Test]
    public async Task Entries_past_their_retention_are_misses_and_are_deleted()
    {
        using FileSystemImageCacheStore store = NewStore();
        await store.SetAsync(Key("fox"), Entry(Bytes(10, 1)));
        _time.Advance(TimeSpan.FromHours(3));
        Assert.That(await store.GetAsync(Key("fox")), Is.Null);
        Assert.That(Directory.GetFiles(_directory, "*.entry", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task Remove_invalidate_and_clear()
    {
        using FileSystemImageCacheStore store = NewStore();
        await store.SetAsync(Key("a"), Entry(Bytes(10, 1), provider: "openai", model: "dall-e-3"));
        await store.SetAsync(Key("b"), Entry(Bytes(10, 2), provider: "openai", model: "gpt-image-1"));
        await store.SetAsync(Key("c"), Entry(Bytes(10, 3), provider: "azure", model: "gpt-image-1"));
        await store.SetAsync(Key("d"), Entry(Bytes(10, 4), provider: "azure", model: "dall-e-3"));

        Assert.That(await store.RemoveAsync(Key("a")), Is.True);
        Assert.That(await store.RemoveAsync(Key("a")), Is.False);
        await store.InvalidateAsync("OPENAI", null);
        Assert.That(await store.GetAsync(Key("b")), Is.Null);
        Assert.That(await store.GetAsync(Key("c")), Is.Not.Null);
        await store.InvalidateAsync(null, "dall-e-3");
        Assert.That(await store.GetAsync(Key("d")), Is.Null);
        Assert.That(await store.GetAsync(Key("c")), Is.Not.Null);
        await store.ClearAsync();
        Assert.That(await store.GetAsync(Key("c")), Is.Null);
        Assert.That(Directory.GetFiles(_directory, "*.blob", SearchOption.AllDirectories), Is.Empty);
    }

    [Test]
    public async Task Two_processes_writing_and_reading_one_directory_never_see_a_broken_entry()
    {
        // Two store instances stand for two processes: they share nothing but the directory.
        using FileSystemImageCacheStore first = NewStore(limit: 200_000);
        using FileSystemImageCacheStore second = NewStore(limit: 200_000);
        Dictionary<string, byte[]> images = Enumerable.Range(0, 20).ToDictionary(i => $"k{i}", i => Bytes(5000 + i, (byte)i));
        int broken = 0;

        async Task Work(FileSystemImageCacheStore store, int seed)
        {
            Random random = new(seed);
            for (int i = 0; i < 300; i++)
            {
                string name = $"k{random.Next(20)}";
                if (random.Next(2) == 0)
                {
                    await store.SetAsync(Key(name), Entry(images[name]));
                }
                else if (await store.GetAsync(Key(name)) is { } entry && !entry.Images[0].Data.Span.SequenceEqual(images[name]))
                {
                    Interlocked.Increment(ref broken);
                }
            }
        }

        await Task.WhenAll(Task.Run(() => Work(first, 1)), Task.Run(() => Work(second, 2)), Task.Run(() => Work(first, 3)), Task.Run(() => Work(second, 4)));

        Assert.That(broken, Is.Zero);
        foreach ((string name, byte[] image) in images)
        {
            await first.SetAsync(Key(name), Entry(image));
            Assert.That((await second.GetAsync(Key(name)))?.Images[0].Data.ToArray(), Is.EqualTo(image));
        }
    }

    [Test]
    public async Task Two_instances_on_one_directory_keep_it_under_the_size_limit_together()
    {
        // Each instance counts only its own writes between re-scans: without re-scanning the real directory, two of
        // them each believe the directory is half as full as it is and together fill it to twice the limit.
        const long Limit = 300_000;
        using FileSystemImageCacheStore first = NewStore(Limit);
        using FileSystemImageCacheStore second = NewStore(Limit);
        for (int i = 0; i < 160; i++)
        {
            FileSystemImageCacheStore writer = i % 2 == 0 ? first : second;
            await writer.SetAsync(Key($"p{i}"), Entry(Bytes(3000, i)));
            await writer.WhenRescannedAsync();
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.That(DirectorySize(), Is.LessThanOrEqualTo(Limit), $"after write {i}");
        }

        Assert.That(DirectorySize(), Is.GreaterThan(Limit / 2), "eviction stopped near the limit, not far below it");
        Assert.That(await second.GetAsync(Key("p159")), Is.Not.Null);
        Assert.That(await first.GetAsync(Key("p158")), Is.Not.Null);
    }

    [Test]
    public async Task A_sweep_keeps_a_young_unreferenced_blob_another_process_may_be_indexing_until_the_grace_period_ends()
    {
        using FileSystemImageCacheStore store = NewStore();
        await store.SetAsync(Key("other"), Entry(Bytes(10, 1)));

        // What another process leaves between renaming its blob into place and writing the index file that names it.
        byte[] pending = Bytes(2000, 42);
        string hex = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(pending));
        string blob = Path.Combine(_directory, "v1", "blobs", hex[..2], hex + ".blob");
        Directory.CreateDirectory(Path.GetDirectoryName(blob)!);
        await File.WriteAllBytesAsync(blob, pending);
        File.SetLastWriteTimeUtc(blob, _time.GetUtcNow().UtcDateTime);

        _time.Advance(FileSystemImageCacheStore.BlobGracePeriod - TimeSpan.FromSeconds(1));
        store.Sweep();
        Assert.That(File.Exists(blob), Is.True, "younger than the grace period");

        _time.Advance(TimeSpan.FromSeconds(2));
        store.Sweep();
        Assert.That(File.Exists(blob), Is.False, "older than the grace period and still unreferenced");
    }

    [Test]
    public async Task A_blob_this_instance_wrote_and_no_longer_references_goes_at_the_next_sweep()
    {
        using FileSystemImageCacheStore store = NewStore();
        await store.SetAsync(Key("a"), Entry(Bytes(2000, 7)));
        await store.RemoveAsync(Key("a"));
        store.Sweep();
        Assert.That(Directory.GetFiles(_directory, "*.blob", SearchOption.AllDirectories), Is.Empty, "its own index file was the last to claim it");
    }

    [Test]
    public async Task A_deduplicating_write_refreshes_the_existing_blob_so_a_sweep_racing_its_index_keeps_it()
    {
        using FileSystemImageCacheStore first = NewStore();
        using FileSystemImageCacheStore second = NewStore();
        byte[] image = Bytes(2000, 9);
        await first.SetAsync(Key("a"), Entry(image));
        await first.RemoveAsync(Key("a"));
        string blob = Directory.GetFiles(_directory, "*.blob", SearchOption.AllDirectories).Single();

        _time.Advance(TimeSpan.FromMinutes(20));
        await second.SetAsync(Key("b"), Entry(image));
        Assert.That(File.GetLastWriteTimeUtc(blob), Is.EqualTo(_time.GetUtcNow().UtcDateTime), "the existing blob was touched, not left 20 minutes old");

        // The first instance sweeps as if it had listed the index files just before the second one's landed.
        string index = Directory.GetFiles(_directory, "*.entry", SearchOption.AllDirectories).Single();
        byte[] indexBytes = await File.ReadAllBytesAsync(index);
        File.Delete(index);
        first.Sweep();
        await File.WriteAllBytesAsync(index, indexBytes);

        Assert.That(File.Exists(blob), Is.True);
        Assert.That((await second.GetAsync(Key("b")))?.Images[0].Data.ToArray(), Is.EqualTo(image));
    }

    [Test]
    public async Task Young_blobs_another_process_has_not_indexed_yet_do_not_make_a_sweep_evict_every_entry()
    {
        // The other process has a larger limit, so its own sweeps evict nothing here.
        using FileSystemImageCacheStore first = NewStore(limit: 100_000);
        using FileSystemImageCacheStore other = NewStore(limit: 10_000_000);
        for (int i = 0; i < 3; i++)
        {
            await first.SetAsync(Key($"f{i}"), Entry(Bytes(5000, i)));
            await first.WhenRescannedAsync();
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // Blobs the other process wrote whose index files are not (or no longer) there: young, so no sweep may
        // delete them yet, and together above 90% of the limit.
        for (int i = 0; i < 4; i++)
        {
            await other.SetAsync(Key($"o{i}"), Entry(Bytes(24_000, 100 + i)));
            await other.WhenRescannedAsync();
            await other.RemoveAsync(Key($"o{i}"));
        }

        first.Sweep();

        Assert.That(Directory.GetFiles(_directory, "*.blob", SearchOption.AllDirectories), Has.Length.EqualTo(7), "the young blobs stay");
        for (int i = 0; i < 3; i++)
        {
            Assert.That(await first.GetAsync(Key($"f{i}")), Is.Not.Null, $"evicting f{i} would free nothing the young blobs take");
        }
    }

    [Test]
    public async Task Evicting_an_entry_whose_blob_must_stay_counts_the_blob_as_still_on_disk()
    {
        using FileSystemImageCacheStore first = NewStore(limit: 100_000);
        using FileSystemImageCacheStore other = NewStore(limit: 10_000_000);
        for (int i = 0; i < 4; i++)
        {
            await other.SetAsync(Key($"o{i}"), Entry(Bytes(29_000, i)));
            await other.WhenRescannedAsync();
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        // The blobs are young and another instance wrote them: evicting an entry deletes its index file only.
        first.Sweep();

        Assert.That(await first.GetAsync(Key("o0")), Is.Null, "the least recently used entry goes");
        for (int i = 1; i < 4; i++)
        {
            Assert.That(await first.GetAsync(Key($"o{i}")), Is.Not.Null, $"evicting o{i} as well would free nothing now");
        }
    }

    [Test]
    public async Task Dispose_waits_for_the_background_rescan_and_may_be_called_twice()
    {
        FileSystemImageCacheStore store = NewStore();
        await store.SetAsync(Key("a"), Entry(Bytes(1000, 1)));
        Task rescan = store.WhenRescannedAsync();

        store.Dispose();

        Assert.That(rescan.IsCompletedSuccessfully, Is.True, "cancelled or finished, never left running or faulted");
        Assert.DoesNotThrow(store.Dispose);
    }

    [Test]
    public async Task A_new_instance_reports_the_entries_and_bytes_already_on_disk()
    {
        using (FileSystemImageCacheStore writer = NewStore())
        {
            for (int i = 0; i < 3; i++)
            {
                await writer.SetAsync(Key($"p{i}"), Entry(Bytes(1000 + i, (byte)i)));
            }
        }

        using FileSystemImageCacheStore restarted = NewStore();
        ImageCacheStoreStatistics statistics = restarted.GetStatistics();
        Assert.That(statistics.Entries, Is.EqualTo(3));
        Assert.That(statistics.Bytes, Is.EqualTo(DirectorySize()));
    }

    [Test]
    public async Task An_instance_rescans_the_directory_at_least_every_rescan_interval_while_it_writes()
    {
        using FileSystemImageCacheStore first = NewStore();
        using FileSystemImageCacheStore second = NewStore();
        await second.SetAsync(Key("s0"), Entry(Bytes(1000, 1)));
        await second.WhenRescannedAsync();
        for (int i = 0; i < 3; i++)
        {
            await first.SetAsync(Key($"f{i}"), Entry(Bytes(1000, (byte)(10 + i))));
            await first.WhenRescannedAsync();
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        await second.SetAsync(Key("s1"), Entry(Bytes(1000, 2)));
        await second.WhenRescannedAsync();
        Assert.That(second.GetStatistics().Entries, Is.EqualTo(2), "between re-scans an instance counts its own writes only");

        _time.Advance(FileSystemImageCacheStore.RescanInterval);
        await second.SetAsync(Key("s2"), Entry(Bytes(1000, 3)));
        await second.WhenRescannedAsync();
        Assert.That(second.GetStatistics().Entries, Is.EqualTo(6));
        Assert.That(second.GetStatistics().Bytes, Is.EqualTo(DirectorySize()));
    }

    private static ImageCacheKey Key(string prompt) => ImageCacheKeyBuilder.Compute(new ImageGenerationRequest(prompt), "openai", "gpt-image-1");

    private static byte[] Bytes(int length, int seed)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private ImageCacheEntry Entry(byte[] image, decimal? cost = null, string provider = "openai", string model = "gpt-image-1")
        => ImageCacheEntry.FromResult(
            new ImageGenerationResult([new GeneratedImage(image, ImageMediaTypes.Png) { RevisedPrompt = "revised", Seed = 5, Width = 64, Height = 64 }], provider, model) { EstimatedCostUsd = cost },
            _time.GetUtcNow(),
            TimeSpan.FromHours(1),
            TimeSpan.FromHours(1));

    private FileSystemImageCacheStore NewStore(long limit = 10_000_000) => new(_directory, limit, _time);

    private long DirectorySize() => Directory.GetFiles(_directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
