using System.Collections.Concurrent;
using ImageGen.Sdk.RateLimiting;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>A rate permit is spent by a sent call only; refused, chained and cancelled acquisitions give it back.</summary>
public sealed class PermitRefundTests
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse");

    [Test]
    public async Task RequestsPerMinute_and_MinInterval_together_reach_the_configured_rate_under_32_callers()
    {
        ManualTimeProvider clock = new();
        DateTimeOffset start = clock.GetUtcNow();
        ConcurrentQueue<DateTimeOffset> times = new();

        // What RateLimiterFactory builds for RequestsPerMinute = 10 and MinInterval = 1 s, by hand so the test can
        // see each stage's queue and keep the clock still while a granted caller is on its way to the provider.
        TimedPermitRateLimiter perMinute = new(10, TimeSpan.FromMinutes(1), int.MaxValue, clock);
        TimedPermitRateLimiter interval = new(1, TimeSpan.FromSeconds(1), int.MaxValue, clock);
        RateLimitingImageGenerator generator = new(LimitsTestClock.RecordingFake(clock, times), "openai", new RateLimiterChain([perMinute, interval], ownsLimiters: true), timeProvider: clock);

        Task[] calls = [.. Enumerable.Range(0, 32).Select(_ => Task.Run(() => generator.GenerateAsync(Request)))];
        await LimitsTestClock.WaitUntilAsync(() => !times.IsEmpty, "the first call");
        await LimitsTestClock.AdvanceUntilAsync(
            clock,
            () => calls.All(c => c.IsCompleted),
            TimeSpan.FromMilliseconds(250),
            TimeSpan.FromMinutes(10),
            LimitsTestClock.Parked(32, () => times.Count, perMinute, interval));
        await Task.WhenAll(calls);

        DateTimeOffset[] sorted = [.. times.Order()];
        Assert.That(sorted, Has.Length.EqualTo(32));
        Assert.That(sorted.Count(t => t < start + TimeSpan.FromMinutes(1)), Is.EqualTo(10), "the whole per-minute allowance is used in the first minute");
        for (int i = 1; i < sorted.Length; i++)
        {
            Assert.That(sorted[i] - sorted[i - 1], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)), $"calls {i - 1} and {i}");
            if (i >= 10)
            {
                Assert.That(sorted[i] - sorted[i - 10], Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(1)), $"at most 10 calls in any minute (call {i})");
            }
        }

        // 10 per minute, one per second: calls 30 and 31 start 3 minutes (+0 s, +1 s) in.
        Assert.That(sorted[^1] - start, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(182)), "no permit was lost to a refused or queued acquisition");
    }

    [Test]
    public async Task A_provider_refusal_does_not_spend_an_app_wide_permit()
    {
        ManualTimeProvider clock = new();
        using System.Threading.RateLimiting.RateLimiter global = RateLimiterFactory.Create(new RateLimitOptions { RequestsPerMinute = 2 }, clock)!;
        FakeImageGenerator fakeA = new();
        FakeImageGenerator fakeB = new();
        IImageGenerator a = new ImageGeneratorBuilder(fakeA)
            .UseRateLimiting("a", new RateLimitOptions { MinInterval = TimeSpan.FromSeconds(10), MaxWait = TimeSpan.FromSeconds(1) }, global, clock)
            .Build();
        IImageGenerator b = new ImageGeneratorBuilder(fakeB)
            .UseRateLimiting("b", new RateLimitOptions { MaxWait = TimeSpan.FromSeconds(1) }, global, clock)
            .Build();

        await a.GenerateAsync(Request);
        ImageGenerationException refused = Assert.ThrowsAsync<ImageGenerationException>(() => a.GenerateAsync(Request))!;
        Assert.That(refused.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(refused.Provider, Is.EqualTo("a"), "refused by provider a's own limit");

        await b.GenerateAsync(Request);

        Assert.That(fakeA.CallCount, Is.EqualTo(1));
        Assert.That(fakeB.CallCount, Is.EqualTo(1), "the app-wide limit of 2 per minute had a permit left for provider b");
        ImageGenerationException globalRefusal = Assert.ThrowsAsync<ImageGenerationException>(() => b.GenerateAsync(Request))!;
        Assert.That(globalRefusal.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(1)), "the third call is refused by the app-wide limit");
    }

    [Test]
    public async Task A_cancelled_waiter_does_not_spend_a_permit()
    {
        ManualTimeProvider clock = new();
        ConcurrentQueue<DateTimeOffset> times = new();
        RateLimitOptions options = new() { RequestsPerMinute = 2, MinInterval = TimeSpan.FromSeconds(1) };
        System.Threading.RateLimiting.RateLimiter limiter = RateLimiterFactory.Create(options, clock)!;
        RateLimitingImageGenerator generator = new(LimitsTestClock.RecordingFake(clock, times), "openai", limiter, timeProvider: clock);
        DateTimeOffset start = clock.GetUtcNow();
        await generator.GenerateAsync(Request);

        using CancellationTokenSource cts = new();
        Task<ImageGenerationResult> waiting = generator.GenerateAsync(Request, cts.Token);
        await LimitsTestClock.WaitUntilAsync(() => limiter.GetStatistics()!.CurrentQueuedCount == 1, "the second call to queue for the interval");
        Assert.That(waiting.IsCompleted, Is.False, "it holds the second per-minute permit while it waits for the interval");
        await cts.CancelAsync();
        Assert.That(async () => await waiting, Throws.InstanceOf<OperationCanceledException>());

        Task<ImageGenerationResult> next = generator.GenerateAsync(Request);
        await LimitsTestClock.AdvanceUntilAsync(clock, () => next.IsCompleted, TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(2));
        await next;

        Assert.That(times.Last() - start, Is.EqualTo(TimeSpan.FromSeconds(1)), "the cancelled caller's per-minute permit went back");
    }

    [Test]
    public async Task Disposing_the_pipeline_disposes_the_limiter_it_created_but_not_the_shared_one()
    {
        ManualTimeProvider clock = new();
        using System.Threading.RateLimiting.RateLimiter shared = RateLimiterFactory.Create(new RateLimitOptions { MaxConcurrency = 4 }, clock)!;
        FakeImageGenerator fake = new();
        IImageGenerator pipeline = new ImageGeneratorBuilder(fake)
            .UseRateLimiting("openai", new RateLimitOptions { MinInterval = TimeSpan.FromSeconds(5), RequestsPerMinute = 10 }, shared, clock)
            .Build();
        await pipeline.GenerateAsync(Request);
        Assert.That(clock.ActiveTimerCount, Is.EqualTo(2), "each timed limit holds its permit on a timer");

        ((IDisposable)pipeline).Dispose();

        Assert.That(clock.ActiveTimerCount, Is.Zero, "the pipeline's own limiters and their timers are gone");
        using System.Threading.RateLimiting.RateLimitLease lease = shared.AttemptAcquire(1);
        Assert.That(lease.IsAcquired, Is.True, "the shared limiter still works");
    }

    [Test]
    public void A_queued_caller_whose_turn_is_past_MaxWait_fails_at_once()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new();
        RateLimitingImageGenerator generator = new(fake, "openai", RateLimiterFactory.Create(new RateLimitOptions { MinInterval = TimeSpan.FromSeconds(1) }, clock), TimeSpan.FromSeconds(2.5), clock);
        Task<ImageGenerationResult> first = generator.GenerateAsync(Request);
        Assert.That(first.IsCompletedSuccessfully, Is.True);
        Task<ImageGenerationResult> second = generator.GenerateAsync(Request);
        Task<ImageGenerationResult> third = generator.GenerateAsync(Request);
        Assert.That(second.IsCompleted || third.IsCompleted, Is.False, "the second and third calls queue (1 s and 2 s away)");

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(3)), "two callers are ahead of it: the next permit in 1 s, then 1 s each");
        Assert.That(fake.CallCount, Is.EqualTo(1));
    }
}
