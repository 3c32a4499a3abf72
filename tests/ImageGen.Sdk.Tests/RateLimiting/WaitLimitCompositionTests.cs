using System.Collections.Concurrent;
using ImageGen.Sdk.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>
/// Every wait inside an attempt (for a permit, a provider back-off or a resting key) is bounded by one
/// <c>MaxWait</c>, and never reaches the attempt timeout: a wait that would is refused locally, with a
/// <c>RetryAfter</c>, instead of ending as a <see cref="ImageGenerationErrorKind.Timeout"/> the circuit breaker counts.
/// </summary>
public sealed class WaitLimitCompositionTests
{
    private const string KeyA = "sk-test-0123456789-aaaa";
    private const string KeyB = "sk-test-0123456789-bbbb";

    [Test]
    public async Task Through_the_stack_MinInterval_and_RequestsPerMinute_hold_under_32_concurrent_callers()
    {
        ManualTimeProvider clock = new();
        KeyedFakeProviderFactory factory = new();
        using ServiceProvider services = LimitsStack.Build(
            clock,
            factory,
            new()
            {
                ["ImageGeneration:Providers:openai:RateLimit:MinInterval"] = "00:00:01",
                ["ImageGeneration:Providers:openai:RateLimit:RequestsPerMinute"] = "20",
                ["ImageGeneration:RateLimit:MaxWait"] = "00:00:50",
            },
            keys: [KeyA, KeyB]);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        ConcurrentQueue<DateTimeOffset> times = new();
        foreach (FakeImageGenerator client in factory.Clients.Values)
        {
            client.Handler = (request, _) =>
            {
                times.Enqueue(clock.GetUtcNow());
                return Task.FromResult(FakeImageGenerator.CreateResult(request));
            };
        }

        // 32 callers at 1 s spacing and 20 a minute: the last waits about 70 s, past the 50 s MaxWait, so some are refused.
        Task<ImageGenerationResult>[] calls = [.. Enumerable.Range(0, 32).Select(i => Task.Run(() => generator.GenerateAsync(new ImageGenerationRequest($"call {i}"))))];
        await LimitsTestClock.AdvanceUntilAsync(clock, () => calls.All(c => c.IsCompleted), TimeSpan.FromMilliseconds(250), TimeSpan.FromMinutes(3));

        DateTimeOffset[] sorted = [.. times.Order()];
        int refused = calls.Count(c => c.IsFaulted);
        Assert.That(sorted.Length + refused, Is.EqualTo(32));
        Assert.That(sorted, Has.Length.GreaterThanOrEqualTo(20));
        for (int i = 1; i < sorted.Length; i++)
        {
            Assert.That(sorted[i] - sorted[i - 1], Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)), $"calls {i - 1} and {i}");
        }

        for (int i = 20; i < sorted.Length; i++)
        {
            Assert.That(sorted[i] - sorted[i - 20], Is.GreaterThanOrEqualTo(TimeSpan.FromMinutes(1)), $"at most 20 calls in the minute before call {i}");
        }

        foreach (Task<ImageGenerationResult> call in calls.Where(c => c.IsFaulted))
        {
            ImageGenerationException ex = (ImageGenerationException)call.Exception!.InnerException!;
            Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited), "refused locally, never a Timeout");
            Assert.That(ex.StatusCode, Is.Null);
        }
    }

    [Test]
    public async Task Without_MaxWait_a_permit_wait_past_the_attempt_timeout_is_refused_at_once_as_rate_limited()
    {
        ManualTimeProvider clock = new();
        KeyedFakeProviderFactory factory = new();
        using ServiceProvider services = LimitsStack.Build(
            clock,
            factory,
            new() { ["ImageGeneration:Providers:openai:RateLimit:MinInterval"] = "00:02:00" },
            keys: KeyA);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        await generator.GenerateAsync(new ImageGenerationRequest("first"));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("second")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited), "not a Timeout after 60 s of waiting");
        Assert.That(ex.StatusCode, Is.Null, "a local refusal");
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromMinutes(2)));
        Assert.That(factory.TotalCalls, Is.EqualTo(1), "the second call was not sent");
        Assert.That(clock.GetUtcNow(), Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), "refused without waiting");
    }

    [Test]
    public void Without_MaxWait_a_provider_pause_past_the_attempt_timeout_is_refused_at_once_as_rate_limited()
    {
        ManualTimeProvider clock = new();
        KeyedFakeProviderFactory factory = new();
        using ServiceProvider services = LimitsStack.Build(
            clock,
            factory,
            new() { ["ImageGeneration:Retry:MaxRetries"] = "0" },
            keys: KeyA);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        factory.Clients[KeyA].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(90), status: 429);
        ImageGenerationException first = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("first")))!;
        Assert.That(first.StatusCode, Is.EqualTo(429));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("second")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.StatusCode, Is.Null);
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(90)));
        Assert.That(factory.TotalCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task Without_MaxWait_a_queue_wait_ends_as_rate_limited_at_25_percent_of_the_attempt_timeout()
    {
        ManualTimeProvider clock = new();
        KeyedFakeProviderFactory factory = new();
        using ServiceProvider services = LimitsStack.Build(
            clock,
            factory,
            new()
            {
                ["ImageGeneration:Providers:openai:RateLimit:MaxConcurrency"] = "1",
                ["ImageGeneration:Retry:AttemptTimeout"] = "00:00:10",
            },
            keys: KeyA);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        TaskCompletionSource<ImageGenerationResult> slow = new(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Clients[KeyA].Then((_, _) => slow.Task);
        Task<ImageGenerationResult> first = generator.GenerateAsync(new ImageGenerationRequest("first"));
        await LimitsTestClock.WaitUntilAsync(() => factory.TotalCalls == 1, "the first call");
        int armed = clock.ActiveTimerCount;
        Task<ImageGenerationResult> second = generator.GenerateAsync(new ImageGenerationRequest("second"));
        await LimitsTestClock.WaitUntilAsync(() => clock.ActiveTimerCount > armed, "the second call to wait for the slot");
        int held = clock.ActiveTimerCount;

        clock.Advance(TimeSpan.FromMilliseconds(2499));

        // A timer due by now fired inside Advance, on this thread: the same timers still armed mean the wait goes on.
        Assert.That(clock.ActiveTimerCount, Is.EqualTo(held), "it waits for the slot up to 2.5 s");
        Assert.That(second.IsCompleted, Is.False, "it waits for the slot up to 2.5 s");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await LimitsTestClock.WaitUntilAsync(() => second.IsCompleted, "the refusal");

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => second)!;
        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited), "refused before the 10 s attempt timeout");
        Assert.That(ex.StatusCode, Is.Null);
        Assert.That(factory.TotalCalls, Is.EqualTo(1));
        slow.SetResult(FakeImageGenerator.CreateResult(new ImageGenerationRequest("first")));
        await first;
    }

    [Test]
    public async Task A_MaxWait_longer_than_the_attempt_timeout_is_capped_below_it()
    {
        ManualTimeProvider clock = new();
        KeyedFakeProviderFactory factory = new();
        using ServiceProvider services = LimitsStack.Build(
            clock,
            factory,
            new()
            {
                ["ImageGeneration:RateLimit:MaxWait"] = "00:05:00",
                ["ImageGeneration:Providers:openai:RateLimit:MinInterval"] = "00:01:30",
            },
            keys: KeyA);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        await generator.GenerateAsync(new ImageGenerationRequest("first"));

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("second")))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited), "90 s is past 90% of the 60 s attempt timeout");
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(90)));
        Assert.That(factory.TotalCalls, Is.EqualTo(1));
    }

    [Test]
    public async Task The_key_wait_follows_RateLimit_MaxWait_when_MaxKeyWait_is_unset()
    {
        ManualTimeProvider clock = new();
        KeyedFakeProviderFactory factory = new();
        using ServiceProvider services = LimitsStack.Build(
            clock,
            factory,
            new() { ["ImageGeneration:Providers:openai:RateLimit:MaxWait"] = "00:00:05", ["ImageGeneration:Providers:openai:KeyRotation"] = "Failover" },
            keys: [KeyA, KeyB]);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();

        // Both keys answer 429 for 4 s: within MaxWait, so the call waits for the sooner one and succeeds.
        factory.Clients[KeyA].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(4), status: 429);
        factory.Clients[KeyB].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(4), status: 429);
        Task<ImageGenerationResult> waiting = generator.GenerateAsync(new ImageGenerationRequest("x"));
        await LimitsTestClock.AdvanceUntilAsync(clock, () => waiting.IsCompleted, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        ImageGenerationResult result = await waiting;
        Assert.That(result.Images, Has.Count.EqualTo(1));
        Assert.That(factory.Clients[KeyA].CallCount, Is.EqualTo(2), "the soonest key again, after its rest");

        // Both answer 429 for 6 s: past MaxWait, so the call fails at once with the soonest return.
        factory.Clients[KeyA].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(6), status: 429);
        factory.Clients[KeyB].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(6), status: 429);
        DateTimeOffset before = clock.GetUtcNow();
        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("y")))!;
        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.Unavailable));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(6)));
        Assert.That(clock.GetUtcNow(), Is.EqualTo(before), "no wait");
    }

    [Test]
    public void MaxKeyWait_overrides_the_key_wait_and_both_stay_below_the_attempt_timeout()
    {
        using ServiceProvider services = LimitsStack.Build(
            new ManualTimeProvider(),
            new KeyedFakeProviderFactory(),
            new()
            {
                ["ImageGeneration:RateLimit:MaxWait"] = "00:00:20",
                ["ImageGeneration:Providers:openai:MaxKeyWait"] = "00:00:03",
                ["ImageGeneration:DefaultProvider"] = "openai",
                ["ImageGeneration:Providers:second:Type"] = "Fake",
                ["ImageGeneration:Providers:second:ApiKey"] = "sk-second-0123456789-cccc",
                ["ImageGeneration:Providers:second:MaxKeyWait"] = "00:10:00",
                ["ImageGeneration:Providers:second:Retry:AttemptTimeout"] = "00:00:30",
            },
            keys: [KeyA]);
        ImageGenerationOptions options = services.GetRequiredService<IOptions<ImageGenerationOptions>>().Value;
        ImageGenerationLimits limits = services.GetRequiredService<ImageGenerationLimits>();
        ImageProviderOptions openai = options.Providers["openai"];
        ImageProviderOptions second = options.Providers["second"];
        RetryOptions secondRetry = services.GetRequiredService<IOptionsMonitor<RetryOptions>>().Get("second");

        Assert.That(limits.GetProviderRateLimit(openai, options.Retry).MaxWait, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(limits.GetKeyRotation(openai, options.Retry).MaxWait, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(limits.GetProviderRateLimit(second, secondRetry).MaxWait, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(limits.GetKeyRotation(second, secondRetry).MaxWait, Is.EqualTo(TimeSpan.FromSeconds(27)), "capped at 90% of its 30 s attempt timeout");
    }

    [Test]
    public void With_nothing_set_every_wait_is_25_percent_of_the_attempt_timeout()
    {
        using ServiceProvider services = LimitsStack.Build(new ManualTimeProvider(), new KeyedFakeProviderFactory(), [], keys: [KeyA]);
        ImageGenerationOptions options = services.GetRequiredService<IOptions<ImageGenerationOptions>>().Value;
        ImageGenerationLimits limits = services.GetRequiredService<ImageGenerationLimits>();

        Assert.That(limits.GetProviderRateLimit(options.Providers["openai"], options.Retry).MaxWait, Is.EqualTo(TimeSpan.FromSeconds(15)));
        Assert.That(limits.GetKeyRotation(options.Providers["openai"], options.Retry).MaxWait, Is.EqualTo(TimeSpan.FromSeconds(15)));
    }
}
