using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Tests.RateLimiting;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>When every key rests: wait for the soonest within MaxWait, else fail with when it returns.</summary>
public sealed class KeyWaitTests
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse");
    private KeyPoolHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new KeyPoolHarness();

    [Test]
    public void When_every_key_is_cooling_past_MaxWait_the_error_carries_the_soonest_return()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(40), 429);
        fakes[1].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(20), 429);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover, new KeyRotationOptions { Strategy = KeyRotationStrategy.Failover, MaxWait = TimeSpan.FromSeconds(10) });

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.Unavailable));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(20)));
        Assert.That(ex.Provider, Is.EqualTo("openai"));
        Assert.That(ex.InnerException, Is.InstanceOf<ImageGenerationException>());
        Assert.That(fakes[0].CallCount + fakes[1].CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task When_every_key_is_cooling_within_MaxWait_the_call_waits_for_the_soonest()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(5), 429);
        fakes[1].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(8), 429);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover);

        Task<ImageGenerationResult> call = generator.GenerateAsync(Request);
        await LimitsTestClock.WaitUntilAsync(() => _h.Clock.ActiveTimerCount == 1, "the wait for a key");
        _h.Clock.Advance(TimeSpan.FromSeconds(4));
        await LimitsTestClock.SettleAsync();
        Assert.That(call.IsCompleted, Is.False);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await call;

        Assert.That(fakes[0].CallCount, Is.EqualTo(2), "key A came back first and took the attempt");
        Assert.That(fakes[1].CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task When_every_key_is_retired_calls_fail_at_once_without_a_request()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        fakes[1].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.RoundRobin);

        ImageGenerationException first = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;
        ImageGenerationException second = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request))!;

        Assert.That(first.Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
        Assert.That(second.Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
        Assert.That(fakes[0].CallCount + fakes[1].CallCount, Is.EqualTo(2));
        Assert.That(_h.Logger.Entries.Count(e => e.Level == LogLevel.Error), Is.EqualTo(2));
        await Task.CompletedTask;
    }
}
