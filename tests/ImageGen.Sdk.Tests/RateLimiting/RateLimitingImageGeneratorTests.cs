using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using ImageGen.Sdk.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.RateLimiting;

public sealed class RateLimitingImageGeneratorTests
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse");

    private static RateLimitingImageGenerator Build(IImageGenerator inner, RateLimitOptions options, ManualTimeProvider clock, ILogger? logger = null)
        => new RateLimitingImageGenerator(inner, "openai", RateLimiterFactory.Create(options, clock), options.MaxWait, clock, logger);

    [Test]
    public async Task MinInterval_holds_under_32_concurrent_callers()
    {
        ManualTimeProvider clock = new();
        DateTimeOffset start = clock.GetUtcNow();
        ConcurrentQueue<DateTimeOffset> times = new();
        RateLimiter limiter = RateLimiterFactory.Create(new RateLimitOptions { MinInterval = TimeSpan.FromSeconds(1) }, clock)!;
        RateLimitingImageGenerator generator = new(LimitsTestClock.RecordingFake(clock, times), "openai", limiter, timeProvider: clock);

        Task[] calls = [.. Enumerable.Range(0, 32).Select(_ => Task.Run(() => generator.GenerateAsync(Request)))];
        await LimitsTestClock.WaitUntilAsync(() => !times.IsEmpty, "the first call");
        await LimitsTestClock.AdvanceUntilAsync(clock, () => calls.All(c => c.IsCompleted), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(60), LimitsTestClock.Parked(32, () => times.Count, limiter));
        await Task.WhenAll(calls);

        DateTimeOffset[] sorted = [.. times.Order()];
        Assert.That(sorted, Has.Length.EqualTo(32));
        for (int i = 1; i < sorted.Length; i++)
        {
            Assert.That(sorted[i] - sorted[i - 1], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)), $"calls {i - 1} and {i}");
        }

        Assert.That(sorted[0], Is.EqualTo(start), "the first call does not wait");
    }

    [Test]
    public async Task RequestsPerMinute_holds_under_32_concurrent_callers()
    {
        ManualTimeProvider clock = new();
        ConcurrentQueue<DateTimeOffset> times = new();
        RateLimiter limiter = RateLimiterFactory.Create(new RateLimitOptions { RequestsPerMinute = 10 }, clock)!;
        RateLimitingImageGenerator generator = new(LimitsTestClock.RecordingFake(clock, times), "openai", limiter, timeProvider: clock);

        Task[] calls = [.. Enumerable.Range(0, 32).Select(_ => Task.Run(() => generator.GenerateAsync(Request)))];
        await LimitsTestClock.WaitUntilAsync(() => times.Count == 10, "the first minute's calls");
        await LimitsTestClock.AdvanceUntilAsync(clock, () => calls.All(c => c.IsCompleted), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10), LimitsTestClock.Parked(32, () => times.Count, limiter));
        await Task.WhenAll(calls);

        DateTimeOffset[] sorted = [.. times.Order()];
        Assert.That(sorted, Has.Length.EqualTo(32));
        AssertAtMostPerWindow(sorted, 10, TimeSpan.FromMinutes(1));
        Assert.That(sorted.Count(t => t == sorted[0]), Is.EqualTo(10), "the default burst is the whole minute's allowance");
    }

    [Test]
    public async Task Burst_spreads_the_minute_allowance()
    {
        ManualTimeProvider clock = new();
        ConcurrentQueue<DateTimeOffset> times = new();
        RateLimiter limiter = RateLimiterFactory.Create(new RateLimitOptions { RequestsPerMinute = 10, Burst = 2 }, clock)!;
        RateLimitingImageGenerator generator = new(LimitsTestClock.RecordingFake(clock, times), "openai", limiter, timeProvider: clock);

        Task[] calls = [.. Enumerable.Range(0, 32).Select(_ => Task.Run(() => generator.GenerateAsync(Request)))];
        await LimitsTestClock.AdvanceUntilAsync(clock, () => calls.All(c => c.IsCompleted), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10), LimitsTestClock.Parked(32, () => times.Count, limiter));
        await Task.WhenAll(calls);

        DateTimeOffset[] sorted = [.. times.Order()];
        Assert.That(sorted, Has.Length.EqualTo(32), "every call was sent");
        Assert.That(sorted.Count(t => t == sorted[0]), Is.EqualTo(2), "a burst of 2 starts at once");
        AssertAtMostPerWindow(sorted, 2, TimeSpan.FromSeconds(12));
        AssertAtMostPerWindow(sorted, 10, TimeSpan.FromMinutes(1));
        Assert.That(sorted[^1] - sorted[0], Is.EqualTo(TimeSpan.FromSeconds(180)), "16 bursts of 2, one every 12 s: no permit is held longer than its share");
    }

    [Test]
    public async Task A_wait_longer_than_MaxWait_fails_at_once_without_a_call()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new();
        RateLimitingImageGenerator generator = Build(fake, new RateLimitOptions { MinInterval = TimeSpan.FromSeconds(10), MaxWait = TimeSpan.FromSeconds(1) }, clock);
        await generator.GenerateAsync(Request);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(ex.Provider, Is.EqualTo("openai"));
        Assert.That(fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_wait_past_MaxWait_for_a_concurrency_slot_fails_without_a_call()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new();
        TaskCompletionSource<ImageGenerationResult> release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Then((_, _) => release.Task);
        RateLimitingImageGenerator generator = Build(fake, new RateLimitOptions { MaxConcurrency = 1, MaxWait = TimeSpan.FromSeconds(2) }, clock);
        Task<ImageGenerationResult> first = generator.GenerateAsync(Request);
        int timersBefore = clock.ActiveTimerCount;

        Task<ImageGenerationResult> second = generator.GenerateAsync(Request);
        await LimitsTestClock.WaitUntilAsync(() => clock.ActiveTimerCount > timersBefore, "the MaxWait timer");
        Assert.That(second.IsCompleted, Is.False, "it waits up to MaxWait");
        clock.Advance(TimeSpan.FromSeconds(2));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => second)!;
        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(fake.CallCount, Is.EqualTo(1));
        release.SetResult(FakeImageGenerator.CreateResult(Request));
        await first;
    }

    [Test]
    public async Task A_full_queue_fails_at_once_without_a_call()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new();
        TaskCompletionSource<ImageGenerationResult> release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Then((_, _) => release.Task);
        RateLimitingImageGenerator generator = Build(fake, new RateLimitOptions { MaxConcurrency = 1, QueueLimit = 0 }, clock);
        Task<ImageGenerationResult> first = generator.GenerateAsync(Request);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.Message, Does.Contain("queue"));
        Assert.That(fake.CallCount, Is.EqualTo(1));
        release.SetResult(FakeImageGenerator.CreateResult(Request));
        await first;
        await generator.GenerateAsync(Request);
        Assert.That(fake.CallCount, Is.EqualTo(2), "the slot is returned when the call ends");
    }

    [Test]
    public async Task Waiting_is_logged_at_information_with_the_wait()
    {
        ManualTimeProvider clock = new();
        ListLogger logger = new();
        FakeImageGenerator fake = new();
        RateLimitingImageGenerator generator = Build(fake, new RateLimitOptions { MinInterval = TimeSpan.FromMilliseconds(500) }, clock, logger);
        await generator.GenerateAsync(Request);

        Task<ImageGenerationResult> second = generator.GenerateAsync(Request);
        await LimitsTestClock.AdvanceUntilAsync(clock, () => second.IsCompleted, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        await second;

        Assert.That(logger.Entries, Has.Some.EqualTo((LogLevel.Information, "rate limit: waiting 500 ms for provider openai")));
        Assert.That(fake.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Cancelling_a_waiting_call_makes_no_call()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new();
        RateLimitingImageGenerator generator = Build(fake, new RateLimitOptions { MinInterval = TimeSpan.FromSeconds(10) }, clock);
        await generator.GenerateAsync(Request);
        using CancellationTokenSource cts = new();

        Task<ImageGenerationResult> second = generator.GenerateAsync(Request, cts.Token);
        await cts.CancelAsync();

        Assert.That(async () => await second, Throws.InstanceOf<OperationCanceledException>());
        clock.Advance(TimeSpan.FromSeconds(20));
        Assert.That(fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task A_429_with_a_retry_delay_pauses_the_provider_for_later_calls()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new();
        fake.ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(5), 429);
        RateLimitingImageGenerator generator = Build(fake, new RateLimitOptions(), clock);
        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request));

        Task<ImageGenerationResult> next = generator.GenerateAsync(Request);
        await LimitsTestClock.WaitUntilTimersAsync(clock, 1, "the next call to wait on the clock");
        Assert.That(next.IsCompleted, Is.False, "paused until the delay passes");
        Assert.That(fake.CallCount, Is.EqualTo(1));
        clock.Advance(TimeSpan.FromSeconds(4));

        // A timer due by now fired inside Advance, on this thread: one still armed is a pause that has not ended.
        Assert.That(clock.ActiveTimerCount, Is.EqualTo(1), "still paused 1 s before the delay ends");
        Assert.That(fake.CallCount, Is.EqualTo(1));

        clock.Advance(TimeSpan.FromSeconds(1));
        await next;
        Assert.That(fake.CallCount, Is.EqualTo(2));
    }

    [Test]
    public void A_pause_longer_than_MaxWait_refuses_at_once_with_the_remaining_delay()
    {
        ManualTimeProvider clock = new();
        FakeImageGenerator fake = new();
        fake.ThenFail(ImageGenerationErrorKind.Unavailable, TimeSpan.FromSeconds(30));
        RateLimitingImageGenerator generator = Build(fake, new RateLimitOptions { MaxWait = TimeSpan.FromSeconds(1) }, clock);
        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request));
        clock.Advance(TimeSpan.FromSeconds(10));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public void Invalid_options_name_the_key()
    {
        List<string> errors = [];
        new RateLimitOptions { RequestsPerMinute = 0, Burst = 5, MinInterval = TimeSpan.Zero, MaxConcurrency = -1, QueueLimit = -1, MaxWait = TimeSpan.FromSeconds(-1) }
            .Validate("ImageGeneration:Providers:openai:RateLimit", errors);

        Assert.That(errors, Does.Contain("ImageGeneration:Providers:openai:RateLimit:RequestsPerMinute must be positive."));
        Assert.That(errors, Has.Count.EqualTo(6));
    }

    private static void AssertAtMostPerWindow(DateTimeOffset[] sorted, int limit, TimeSpan window)
    {
        for (int i = limit; i < sorted.Length; i++)
        {
            Assert.That(sorted[i] - sorted[i - limit], Is.GreaterThanOrEqualTo(window), $"calls {i - limit} and {i} fall in one {window} window with {limit} others");
        }
    }
}
