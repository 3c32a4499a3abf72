using ImageGen.Sdk.Keys;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>
/// How long a rate-limited key rests when the provider named no delay: 1 s, doubling with each 429 in a row, capped by
/// <see cref="KeyRotationOptions.KeyCooldown"/> (by default the key wait), reset by a success.
/// </summary>
public sealed class KeyCooldownTests
{
    private static readonly ImageGenerationRequest Request = new("a lighthouse");
    private KeyPoolHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new KeyPoolHarness();

    [Test]
    public async Task A_429_without_a_delay_rests_the_key_1_s_then_2_s_then_4_s_and_a_success_starts_again_at_1_s()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover);
        List<TimeSpan> rests = [];
        for (int i = 0; i < 4; i++)
        {
            if (i == 3)
            {
                await generator.GenerateAsync(Request);
                Assert.That(fakes[0].CallCount, Is.EqualTo(4), "the key came back after its rest and served the call");
            }

            fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, status: 429);
            await generator.GenerateAsync(Request);
            TimeSpan rest = (await StatusOfKeyA()).Until!.Value - _h.Clock.GetUtcNow();
            rests.Add(rest);
            _h.Clock.Advance(rest);
        }

        Assert.That(rests, Is.EqualTo(new[] { 1, 2, 4, 1 }.Select(s => TimeSpan.FromSeconds(s))), "the success before the last 429 started the sequence again");
        Assert.That(fakes[1].CallCount, Is.EqualTo(4), "each refused attempt moved on to key B at once");
    }

    [Test]
    public async Task A_429_with_Retry_After_0_rests_the_key_briefly_instead_of_a_minute()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.Zero, 429);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover);

        await generator.GenerateAsync(Request);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await generator.GenerateAsync(Request);

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 2, 1 }), "key A is the primary again one second later");
    }

    [Test]
    public async Task The_default_cap_is_the_key_wait()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover, new KeyRotationOptions { Strategy = KeyRotationStrategy.Failover, MaxWait = TimeSpan.FromSeconds(3) });
        TimeSpan rest = TimeSpan.Zero;
        for (int i = 0; i < 4; i++)
        {
            _h.Clock.Advance(rest);
            fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, status: 429);
            await generator.GenerateAsync(Request);
            rest = (await StatusOfKeyA()).Until!.Value - _h.Clock.GetUtcNow();
        }

        Assert.That(rest, Is.EqualTo(TimeSpan.FromSeconds(3)), "1, 2, then 4 and 8 capped at MaxWait");
    }

    [Test]
    public async Task An_explicit_KeyCooldown_caps_the_rest()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover, new KeyRotationOptions { Strategy = KeyRotationStrategy.Failover, KeyCooldown = TimeSpan.FromMilliseconds(1500) });
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, status: 429);
        await generator.GenerateAsync(Request);
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, status: 429);
        await generator.GenerateAsync(Request);

        Assert.That((await StatusOfKeyA()).Until, Is.EqualTo(_h.Clock.GetUtcNow() + TimeSpan.FromMilliseconds(1500)));
    }

    [Test]
    public async Task When_every_key_was_refused_without_a_delay_the_call_waits_for_the_first_back_instead_of_failing()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.RateLimited, status: 429);
        fakes[1].ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.Zero, 429);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover);

        Task<ImageGenerationResult> call = generator.GenerateAsync(Request);
        await TestWait.UntilAsync(() => _h.Clock.ActiveTimerCount == 1, "the wait for a key");
        Assert.That(call.IsCompleted, Is.False, "both keys rest 1 s, within the 10 s key wait");
        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        ImageGenerationResult result = await call.WaitAsync(TestWait.Ceiling);

        Assert.That(result.Images, Has.Count.EqualTo(1));
        Assert.That(fakes[0].CallCount, Is.EqualTo(2), "key A came back after 1 s and took the attempt");
    }

    [Test]
    public void A_KeyCooldown_that_is_not_positive_is_refused()
    {
        Assert.That(
            () => _h.Build(KeyPoolHarness.Fakes(1), KeyRotationStrategy.Failover, new KeyRotationOptions { KeyCooldown = TimeSpan.Zero }),
            Throws.ArgumentException.With.Message.Contains("KeyCooldown"));
    }

    private async Task<ApiKeyStatus> StatusOfKeyA()
        => await _h.Store.GetAsync("openai", ApiKeyFingerprint.Create(KeyPoolHarness.Key(0)));
}
