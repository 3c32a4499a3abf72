using ImageGen.Sdk.Tests.DependencyInjection;
using ImageGen.Sdk.Tests.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.Keys;

/// <summary>A provider with one API key: a 401 retires the key like in a pool, and later calls are refused without a network call.</summary>
public sealed class SingleKeyRetirementTests
{
    private const string Key = "sk-test-0123456789-a1b2";

    [Test]
    public async Task A_rejected_single_key_is_retired_logged_once_and_never_sent_again()
    {
        ManualTimeProvider clock = new();
        KeyedFakeProviderFactory factory = new();
        CapturingLoggerProvider logs = new();
        using ServiceProvider services = LimitsStack.Build(clock, factory, [], logs, Key);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        factory.Clients[Key].ThenFail(ImageGenerationErrorKind.Authentication, status: 401);

        ImageGenerationException first = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("a lighthouse")))!;
        List<ImageGenerationException> later = [];
        for (int i = 0; i < 100; i++)
        {
            later.Add(Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest($"call {i}")))!);
        }

        Assert.That(first.Kind, Is.EqualTo(ImageGenerationErrorKind.Authentication));
        Assert.That(first.StatusCode, Is.EqualTo(401), "the provider's own failure reaches the caller unchanged");
        Assert.That(later.Select(e => e.Kind), Is.All.EqualTo(ImageGenerationErrorKind.Authentication));
        Assert.That(later[0].Message, Does.Contain("sk-…a1b2").And.Contain("not sent"));
        Assert.That(factory.Clients[Key].CallCount, Is.EqualTo(1), "no request used the retired key");
        Assert.That(clock.GetUtcNow(), Is.EqualTo(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)), "no retry, no wait");

        CapturingLoggerProvider.LogEntry[] errors = [.. logs.Entries.Where(e => e.Level == LogLevel.Error && e.Message.Contains("retired", StringComparison.Ordinal))];
        Assert.That(errors, Has.Length.EqualTo(1));
        Assert.That(errors[0].Message, Does.Contain("sk-…a1b2").And.Contain("openai"));
        Assert.That(logs.Entries.Select(e => e.Message), Has.None.Contains(Key));

        IReadOnlyList<ApiKeyStatistics> keys = await services.GetRequiredService<IKeyPoolMonitor>().GetKeysAsync("openai");
        Assert.That(keys.Single().Fingerprint, Is.EqualTo("sk-…a1b2"));
        Assert.That(keys[0].State, Is.EqualTo(ApiKeyState.Retired));
        Assert.That(keys[0].Requests, Is.EqualTo(1));
        Assert.That(keys[0].Failures[ImageGenerationErrorKind.Authentication], Is.EqualTo(1));
    }

    [Test]
    public async Task Other_failures_of_a_single_key_pass_through_without_resting_it()
    {
        ManualTimeProvider clock = new();
        KeyedFakeProviderFactory factory = new();
        using ServiceProvider services = LimitsStack.Build(clock, factory, new() { ["ImageGeneration:Retry:MaxRetries"] = "0" }, keys: Key);
        IImageGenerator generator = services.GetRequiredService<IImageGenerator>();
        factory.Clients[Key].ThenFail(ImageGenerationErrorKind.RateLimited, status: 429);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(new ImageGenerationRequest("x")))!;
        ImageGenerationResult next = await generator.GenerateAsync(new ImageGenerationRequest("y"));

        Assert.That(ex.StatusCode, Is.EqualTo(429));
        Assert.That(next.Images, Has.Count.EqualTo(1));
        Assert.That(factory.Clients[Key].CallCount, Is.EqualTo(2));
        IReadOnlyList<ApiKeyStatistics> keys = await services.GetRequiredService<IKeyPoolMonitor>().GetKeysAsync("openai");
        Assert.That(keys.Single().State, Is.EqualTo(ApiKeyState.Active));
    }
}
