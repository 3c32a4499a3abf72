using ImageGen.Sdk.Caching;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Caching;

public class StaleIfErrorTests
{
    [TestCase(ImageGenerationErrorKind.RateLimited)]
    [TestCase(ImageGenerationErrorKind.QuotaExceeded)]
    [TestCase(ImageGenerationErrorKind.Unavailable)]
    [TestCase(ImageGenerationErrorKind.ServerError)]
    [TestCase(ImageGenerationErrorKind.Timeout)]
    [TestCase(ImageGenerationErrorKind.Network)]
    public async Task An_expired_entry_is_served_stale_when_the_provider_fails_transiently(ImageGenerationErrorKind kind)
    {
        CacheHarness h = new(new ImageCacheOptions { Ttl = TimeSpan.FromHours(1) });
        h.NumberEachCall(cost: 0.02m);
        ImageGenerationResult original = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        h.Time.Advance(TimeSpan.FromHours(3));
        h.Fake.ThenFail(kind);

        ImageGenerationResult stale = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));

        Assert.That(stale.IsStale, Is.True);
        Assert.That(stale.FromCache, Is.True);
        Assert.That(stale.Attempts, Is.Zero);
        Assert.That(stale.Images[0].Data.ToArray(), Is.EqualTo(original.Images[0].Data.ToArray()));
        Assert.That(stale.Warnings, Has.Count.EqualTo(1).And.Some.Contains("expired 2 h ago").And.Some.Contains(kind.ToString()));
        Assert.That(h.Logger.Entries, Has.Some.Matches<(LogLevel Level, string Message, Exception? Exception)>(e => e.Level == LogLevel.Warning && e.Message.Contains("stale", StringComparison.Ordinal)));
        Assert.That(h.Cache.GetStatistics().StaleHits, Is.EqualTo(1));

        // The stale entry is not re-stored as fresh: the next call goes upstream again.
        ImageGenerationResult next = await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Assert.That(next.IsStale, Is.False);
        Assert.That(next.FromCache, Is.False);
    }

    [TestCase(ImageGenerationErrorKind.InvalidRequest)]
    [TestCase(ImageGenerationErrorKind.ContentFiltered)]
    [TestCase(ImageGenerationErrorKind.Authentication)]
    [TestCase(ImageGenerationErrorKind.PermissionDenied)]
    [TestCase(ImageGenerationErrorKind.NotFound)]
    [TestCase(ImageGenerationErrorKind.BudgetExceeded)]
    [TestCase(ImageGenerationErrorKind.InvalidResponse)]
    public async Task No_stale_entry_for_non_transient_failures(ImageGenerationErrorKind kind)
    {
        CacheHarness h = new();
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        h.Time.Advance(TimeSpan.FromHours(2));
        h.Fake.ThenFail(kind);
        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => h.Generator.GenerateAsync(new ImageGenerationRequest("fox")))!;
        Assert.That(ex.Kind, Is.EqualTo(kind));
    }

    [Test]
    public async Task No_stale_entry_beyond_max_staleness()
    {
        CacheHarness h = new(new ImageCacheOptions { Ttl = TimeSpan.FromHours(1), MaxStaleness = TimeSpan.FromDays(1) });
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        h.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        h.Fake.ThenFail(ImageGenerationErrorKind.ServerError);
        Assert.ThrowsAsync<ImageGenerationException>(() => h.Generator.GenerateAsync(new ImageGenerationRequest("fox")));
    }

    [Test]
    public async Task No_stale_entry_when_disabled()
    {
        CacheHarness h = new(new ImageCacheOptions { ServeStaleOnError = false });
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        h.Time.Advance(TimeSpan.FromHours(2));
        h.Fake.ThenFail(ImageGenerationErrorKind.RateLimited);
        Assert.ThrowsAsync<ImageGenerationException>(() => h.Generator.GenerateAsync(new ImageGenerationRequest("fox")));
    }

    [Test]
    public async Task Refresh_does_not_read_so_it_gets_no_stale_entry()
    {
        CacheHarness h = new();
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        h.Time.Advance(TimeSpan.FromHours(2));
        h.Fake.ThenFail(ImageGenerationErrorKind.RateLimited);
        Assert.ThrowsAsync<ImageGenerationException>(() => h.Generator.GenerateAsync(new ImageGenerationRequest("fox") { Cache = CacheMode.Refresh }));
    }

    [Test]
    public async Task Every_coalesced_waiter_gets_the_stale_entry()
    {
        CacheHarness h = new();
        await h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        h.Time.Advance(TimeSpan.FromHours(2));
        TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Fake.Then(async (_, _) =>
        {
            await gate.Task;
            throw new ImageGenerationException(ImageGenerationErrorKind.Unavailable, "circuit open");
        });
        Task<ImageGenerationResult> a = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        Task<ImageGenerationResult> b = h.Generator.GenerateAsync(new ImageGenerationRequest("fox"));
        gate.SetResult();
        Assert.That((await a).IsStale && (await b).IsStale, Is.True);
        Assert.That(h.Fake.CallCount, Is.EqualTo(2));
    }
}
