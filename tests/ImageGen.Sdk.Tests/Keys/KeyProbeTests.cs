using ImageGen.Sdk.Keys;
using ImageGen.Sdk.Tests.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>
/// A rejected (401) key is not retired for good: after <see cref="KeyRotationOptions.RetiredKeyProbeInterval"/> one
/// call goes out with it as a probe. Until then, and while the probe runs, calls fail at once as before.
/// </summary>
public sealed class KeyProbeTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private KeyPoolHarness _h = null!;

    [SetUp]
    public void SetUp() => _h = new KeyPoolHarness();

    [Test]
    public async Task A_retired_single_key_is_probed_after_the_interval_and_serves_again_when_the_probe_succeeds()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(1);
        fakes[0].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.RoundRobin);
        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request(0)));

        _h.Clock.Advance(Interval - TimeSpan.FromSeconds(1));
        ImageGenerationException early = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request(1)))!;
        Assert.That((early.Kind, early.IsLocalRefusal, fakes[0].CallCount), Is.EqualTo((ImageGenerationErrorKind.Authentication, true, 1)), "before the interval: refused at once, nothing sent");

        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        ImageGenerationResult probed = await generator.GenerateAsync(Request(2));
        ImageGenerationResult after = await generator.GenerateAsync(Request(3));

        Assert.That(probed.Images, Has.Count.EqualTo(1));
        Assert.That(after.Images, Has.Count.EqualTo(1));
        Assert.That(fakes[0].CallCount, Is.EqualTo(3));
        IReadOnlyList<ApiKeyStatistics> stats = await _h.Monitor.GetKeysAsync("openai");
        Assert.That(stats[0].State, Is.EqualTo(ApiKeyState.Active));
        Assert.That(await _h.Store.GetAsync("openai", stats[0].Fingerprint), Is.EqualTo(ApiKeyStatus.Active), "other instances see it back too");
        Assert.That(_h.Logger.Entries, Has.Some.Matches<(LogLevel Level, string Message)>(e => e.Level == LogLevel.Information && e.Message.Contains("answered its probe", StringComparison.Ordinal)));
    }

    [Test]
    public async Task Concurrent_callers_send_exactly_one_probe_and_the_others_fail_at_once()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(1);
        fakes[0].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        TaskCompletionSource<ImageGenerationResult> probeAnswer = new(TaskCreationOptions.RunContinuationsAsynchronously);
        fakes[0].Then((_, _) => probeAnswer.Task);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.RoundRobin);
        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request(0)));
        _h.Clock.Advance(Interval);

        Task<ImageGenerationResult>[] calls = [.. Enumerable.Range(1, 16).AsParallel().Select(i => Task.Run(() => generator.GenerateAsync(Request(i))))];
        await TestWait.UntilAsync(() => calls.Count(c => c.IsCompleted) == 15, "every caller but the probe to be refused");

        Assert.That(fakes[0].CallCount, Is.EqualTo(2), "the rejection, then exactly one probe");
        Assert.That(calls.Where(c => c.IsCompleted).Select(c => c.Exception?.InnerException), Is.All.InstanceOf<ImageGenerationException>().And.Property("IsLocalRefusal").True);
        probeAnswer.SetResult(FakeImageGenerator.CreateResult(Request(0)));
        await Task.WhenAll(calls.Where(c => !c.IsCompleted)).WaitAsync(TestWait.Ceiling);
        await generator.GenerateAsync(Request(99));
        Assert.That(fakes[0].CallCount, Is.EqualTo(3), "after the probe the key serves every call");
    }

    [Test]
    public async Task A_probe_that_is_rejected_retires_the_key_for_another_interval()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(1);
        fakes[0].ThenFail(ImageGenerationErrorKind.Authentication, status: 401).ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.RoundRobin);
        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request(0)));
        _h.Clock.Advance(Interval);

        ImageGenerationException probe = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request(1)))!;
        Assert.That(probe.StatusCode, Is.EqualTo(401), "the probe's caller gets the provider's answer");
        _h.Clock.Advance(Interval - TimeSpan.FromSeconds(1));
        ImageGenerationException refused = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request(2)))!;
        Assert.That((refused.IsLocalRefusal, fakes[0].CallCount), Is.EqualTo((true, 2)), "retired again: nothing sent before the next interval");
        Assert.That(_h.Logger.Entries.Count(e => e.Level == LogLevel.Error), Is.EqualTo(1), "the first retirement is the Error");
        Assert.That(_h.Logger.Entries, Has.Some.Matches<(LogLevel Level, string Message)>(e => e.Level == LogLevel.Warning && e.Message.Contains("rejected again by its probe", StringComparison.Ordinal)));

        _h.Clock.Advance(TimeSpan.FromSeconds(1));
        await generator.GenerateAsync(Request(3));
        Assert.That(fakes[0].CallCount, Is.EqualTo(3), "the next interval brings the next probe, which succeeds");
    }

    [Test]
    public async Task A_probe_that_proves_nothing_lets_the_next_call_probe()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(1);
        fakes[0].ThenFail(ImageGenerationErrorKind.Authentication, status: 401).ThenFail(ImageGenerationErrorKind.ServerError, status: 503);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.RoundRobin);
        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request(0)));
        _h.Clock.Advance(Interval);

        ImageGenerationException serverError = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Request(1)))!;
        ImageGenerationResult next = await generator.GenerateAsync(Request(2));

        Assert.That(serverError.StatusCode, Is.EqualTo(503));
        Assert.That(next.Images, Has.Count.EqualTo(1));
        Assert.That(fakes[0].CallCount, Is.EqualTo(3));
    }

    [Test]
    public async Task With_several_keys_a_retired_key_is_probed_once_after_the_interval_while_the_others_serve()
    {
        FakeImageGenerator[] fakes = KeyPoolHarness.Fakes(2);
        fakes[0].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        KeyRotatingImageGenerator generator = _h.Build(fakes, KeyRotationStrategy.Failover);
        for (int i = 0; i < 5; i++)
        {
            await generator.GenerateAsync(Request(i));
        }

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 1, 5 }));
        IReadOnlyList<ApiKeyStatistics> retired = await _h.Monitor.GetKeysAsync("openai");
        Assert.That((retired[0].State, retired[0].Until), Is.EqualTo((ApiKeyState.Retired, (DateTimeOffset?)(_h.Clock.GetUtcNow() + Interval))), "the monitor shows when the probe is due");

        _h.Clock.Advance(Interval);
        await generator.GenerateAsync(Request(5));
        await generator.GenerateAsync(Request(6));

        Assert.That(fakes.Select(f => f.CallCount), Is.EqualTo(new[] { 3, 5 }), "the probe succeeded: the primary is back");
    }

    [Test]
    public void A_probe_interval_that_is_not_positive_is_refused()
    {
        Assert.That(
            () => _h.Build(KeyPoolHarness.Fakes(1), KeyRotationStrategy.Failover, new KeyRotationOptions { RetiredKeyProbeInterval = TimeSpan.Zero }),
            Throws.ArgumentException.With.Message.Contains("RetiredKeyProbeInterval"));
    }

    [Test]
    public async Task Through_AddImageGeneration_the_probe_interval_and_the_cooldown_cap_come_from_configuration()
    {
        const string KeyA = "sk-test-0123456789-a1b2";
        const string KeyB = "sk-test-9876543210-c3d4";
        ManualTimeProvider clock = new();
        KeyedFakeProviderFactory factory = new();
        using ServiceProvider services = LimitsStack.Build(
            clock,
            factory,
            new()
            {
                ["ImageGeneration:Providers:openai:KeyRotation"] = "Failover",
                ["ImageGeneration:Providers:openai:RetiredKeyProbeInterval"] = "00:00:05",
                ["ImageGeneration:Providers:openai:KeyCooldown"] = "00:00:00.500",
            },
            keys: [KeyA, KeyB]);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        factory.Clients[KeyA].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);
        factory.Clients[KeyB].ThenFail(ImageGenerationErrorKind.RateLimited, status: 429);
        IKeyPoolMonitor monitor = services.GetRequiredService<IKeyPoolMonitor>();

        Task<ImageGenerationResult> call = generator.GenerateAsync(Request(0));
        await TestWait.UntilAsync(() => factory.Clients[KeyB].CallCount == 1 && clock.ActiveTimerCount > 0, "the wait for key B");
        IReadOnlyList<ApiKeyStatistics> keys = await monitor.GetKeysAsync("openai");

        Assert.That(keys.Select(k => (k.State, k.Until - clock.GetUtcNow())), Is.EqualTo(new[]
        {
            (ApiKeyState.Retired, (TimeSpan?)TimeSpan.FromSeconds(5)),
            (ApiKeyState.Cooling, (TimeSpan?)TimeSpan.FromMilliseconds(500)),
        }));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        ImageGenerationResult result = await call.WaitAsync(TestWait.Ceiling);
        Assert.That(result.Images, Has.Count.EqualTo(1), "key B came back after its 500 ms rest");
        clock.Advance(TimeSpan.FromSeconds(5));
        await generator.GenerateAsync(Request(1));
        Assert.That(factory.Clients[KeyA].CallCount, Is.EqualTo(2), "key A was probed 5 s after its rejection");
    }

    private static ImageGenerationRequest Request(int i) => new($"a lighthouse {i}");
}
