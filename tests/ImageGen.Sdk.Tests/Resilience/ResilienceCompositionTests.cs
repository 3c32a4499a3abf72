using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Tests.Resilience;

/// <summary>What <c>AddImageGeneration()</c> composes from configuration: retry → circuit breaker → attempt timeout per provider, fallback across them.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class ResilienceCompositionTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeProviderFactory _factory = new();

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("ImageGeneration:DefaultProvider", "a");
        settings.TryAdd("ImageGeneration:Providers:a:Type", "Fake");
        settings.TryAdd("ImageGeneration:Providers:b:Type", "Fake");
        settings.TryAdd("ImageGeneration:Retry:BaseDelay", "00:00:00");
        return FakeProviderServices.Build(_time, _factory, settings);
    }

    [Test]
    public async Task Per_provider_retry_overrides_and_fallback_come_from_configuration()
    {
        using ServiceProvider sp = Build(new()
        {
            ["ImageGeneration:Retry:MaxRetries"] = "2",
            ["ImageGeneration:Providers:a:Retry:MaxRetries"] = "0",
            ["ImageGeneration:Fallback:Providers:0"] = "a",
            ["ImageGeneration:Fallback:Providers:1"] = "b",
        });
        IImageGenerator generator = sp.GetRequiredService<IImageGenerator>();
        _factory.Client("a").Handler = (_, _) => throw new ImageGenerationException(ImageGenerationErrorKind.ServerError, "down");
        _factory.Client("b").ThenFail(ImageGenerationErrorKind.ServerError).ThenFail(ImageGenerationErrorKind.ServerError);

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("a fox"));

        Assert.That(result.Provider, Is.EqualTo("b"));
        Assert.That(_factory.Client("a").CallCount, Is.EqualTo(1), "a's override disables its retries");
        Assert.That(_factory.Client("b").CallCount, Is.EqualTo(3), "b keeps the global 2 retries");
        Assert.That(result.Attempts, Is.EqualTo(4));
    }

    [Test]
    public void Without_fallback_a_failing_provider_fails_the_call()
    {
        using ServiceProvider sp = Build(new() { ["ImageGeneration:Retry:MaxRetries"] = "1" });
        _factory.Client("a").Handler = (_, _) => throw new ImageGenerationException(ImageGenerationErrorKind.ServerError, "down");
        Assert.ThrowsAsync<ImageGenerationException>(() => sp.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a fox")));
        Assert.That(_factory.Client("a").CallCount, Is.EqualTo(2));
        Assert.That(_factory.Client("b").CallCount, Is.Zero);
    }

    [Test]
    public void The_circuit_breaker_sits_inside_retry()
    {
        using ServiceProvider sp = Build(new()
        {
            ["ImageGeneration:Retry:MaxRetries"] = "5",
            ["ImageGeneration:CircuitBreaker:Enabled"] = "true",
            ["ImageGeneration:CircuitBreaker:MinimumThroughput"] = "2",
            ["ImageGeneration:CircuitBreaker:FailureRatio"] = "0.5",
        });
        _factory.Client("a").Handler = (_, _) => throw new ImageGenerationException(ImageGenerationErrorKind.ServerError, "down");

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(
            () => sp.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a fox")));

        Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.Unavailable), "the third attempt met the open circuit");
        Assert.That(_factory.Client("a").CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task The_attempt_timeout_comes_from_the_provider_override()
    {
        using ServiceProvider sp = Build(new() { ["ImageGeneration:Providers:a:Retry:AttemptTimeout"] = "00:00:05" });
        _factory.Client("a").Then(Clock.HangAsync).ThenSucceed();

        Task<ImageGenerationResult> call = sp.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a fox"));
        await _time.WaitForTimersAsync(2); // total + attempt timeout
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.That((await Clock.Completed(call)).Attempts, Is.EqualTo(2));
    }

    [Test]
    public async Task With_fallback_the_total_timeout_bounds_the_whole_call()
    {
        using ServiceProvider sp = Build(new()
        {
            ["ImageGeneration:Retry:MaxRetries"] = "0",
            ["ImageGeneration:Retry:AttemptTimeout"] = "00:00:20",
            ["ImageGeneration:Retry:TotalTimeout"] = "00:00:30",
            ["ImageGeneration:Fallback:Providers:0"] = "a",
            ["ImageGeneration:Fallback:Providers:1"] = "b",
        });
        _factory.Client("a").Handler = Clock.HangAsync;
        _factory.Client("b").Handler = Clock.HangAsync;

        Task<ImageGenerationResult> call = sp.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a fox"));
        await _time.WaitForTimersAsync(3); // the call's deadline, a's total and attempt time-outs
        _time.Advance(TimeSpan.FromSeconds(20));
        await Clock.WaitUntilAsync(() => _factory.Client("b").CallCount == 1, () => "a's attempt time-out did not move the call to b");
        await _time.WaitForTimersAsync(3);

        // b's own time-outs would end it at 40 s (attempt) or 50 s (total); the call's deadline ends it at 30 s.
        _time.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(1));
        Assert.That(call.IsCompleted, Is.False);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(async () => await Clock.Completed(call));
        Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.Timeout));
        Assert.That(thrown.Provider, Is.EqualTo("b"));
        Assert.That(thrown.Message, Does.Contain("total timeout of 00:00:30 (Retry:TotalTimeout of 'a'), fallback included"));
    }

    [Test]
    public async Task A_custom_providers_body_delay_is_the_wait_the_seam_for_Gemini_RetryInfo()
    {
        using ServiceProvider sp = Build([]);

        // What a Gemini-like provider does with error.details[RetryInfo].retryDelay = "34s": RetryAfter on the exception.
        _factory.Client("a").ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(34), status: 429).ThenSucceed();

        Task<ImageGenerationResult> call = sp.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a fox"));
        await _time.WaitForTimersAsync(2); // the total time-out and the retry wait
        _time.Advance(TimeSpan.FromSeconds(34) - TimeSpan.FromMilliseconds(1));
        Assert.That(_factory.Client("a").CallCount, Is.EqualTo(1));
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.That((await Clock.Completed(call)).Attempts, Is.EqualTo(2));
    }

    [Test]
    public void Defaults_are_the_documented_ones()
    {
        using ServiceProvider sp = Build([]);
        ImageGenerationOptions options = sp.GetRequiredService<IOptions<ImageGenerationOptions>>().Value;
        RetryOptions retry = options.Retry;
        CircuitBreakerOptions breaker = options.CircuitBreaker;

        Assert.Multiple(() =>
        {
            Assert.That(retry.MaxRetries, Is.EqualTo(3));
            Assert.That(new RetryOptions().BaseDelay, Is.EqualTo(TimeSpan.FromSeconds(1)), "Build() sets BaseDelay 0 for speed; the type's default");
            Assert.That(retry.MaxDelay, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(retry.BackoffType, Is.EqualTo(RetryBackoffType.Exponential));
            Assert.That(retry.UseJitter, Is.True);
            Assert.That(retry.RespectRetryAfter, Is.True);
            Assert.That(retry.MaxRetryAfter, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(retry.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(retry.TotalTimeout, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(breaker.Enabled, Is.Null, "on only where fallback has somewhere to go");
            Assert.That(breaker.FailureRatio, Is.EqualTo(0.5));
            Assert.That(breaker.MinimumThroughput, Is.EqualTo(10));
            Assert.That(breaker.SamplingDuration, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(breaker.BreakDuration, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(options.Fallback.Providers, Is.Empty, "fallback is off until configured");
            Assert.That(options.Fallback.AllowExplicitProvider, Is.False);
            Assert.That(
                Enum.GetValues<ImageGenerationErrorKind>().Where(options.Fallback.FallsBackOn),
                Is.EquivalentTo(new[]
                {
                    ImageGenerationErrorKind.Unavailable, ImageGenerationErrorKind.RateLimited, ImageGenerationErrorKind.QuotaExceeded,
                    ImageGenerationErrorKind.ServerError, ImageGenerationErrorKind.Timeout, ImageGenerationErrorKind.Network,
                }));
        });
    }

    [Test]
    public void Provider_overrides_inherit_what_they_do_not_set()
    {
        using ServiceProvider sp = Build(new()
        {
            ["ImageGeneration:Retry:BaseDelay"] = "00:00:02",
            ["ImageGeneration:Retry:MaxRetries"] = "4",
            ["ImageGeneration:Providers:a:Retry:MaxRetries"] = "1",
            ["ImageGeneration:Providers:a:CircuitBreaker:BreakDuration"] = "00:01:00",
        });
        IOptionsMonitor<RetryOptions> retries = sp.GetRequiredService<IOptionsMonitor<RetryOptions>>();
        RetryOptions retry = retries.Get("a");
        CircuitBreakerOptions breaker = sp.GetRequiredService<IOptionsMonitor<CircuitBreakerOptions>>().Get("a");

        Assert.That((retry.MaxRetries, retry.BaseDelay, retry.TotalTimeout), Is.EqualTo((1, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5))));
        Assert.That((breaker.BreakDuration, breaker.MinimumThroughput), Is.EqualTo((TimeSpan.FromMinutes(1), 10)));
        Assert.That((retries.Get("b").MaxRetries, retries.Get("b").BaseDelay), Is.EqualTo((4, TimeSpan.FromSeconds(2))), "b has only the global values");
        Assert.That(retries.CurrentValue.MaxRetries, Is.EqualTo(4), "the unnamed options are the global ones");
    }

    [Test]
    public void Fallback_binds_kinds_and_model_map()
    {
        using ServiceProvider sp = Build(new()
        {
            ["ImageGeneration:Fallback:Providers:0"] = "b",
            ["ImageGeneration:Fallback:On:0"] = "RateLimited",
            ["ImageGeneration:Fallback:ModelMap:b"] = "b-model",
            ["ImageGeneration:Fallback:AllowExplicitProvider"] = "true",
        });
        FallbackOptions fallback = sp.GetRequiredService<IOptions<ImageGenerationOptions>>().Value.Fallback;
        Assert.That(fallback.Providers, Is.EqualTo(new[] { "b" }));
        Assert.That(fallback.On, Is.EqualTo(new[] { ImageGenerationErrorKind.RateLimited }));
        Assert.That(fallback.ModelMap["B"], Is.EqualTo("b-model"));
        Assert.That(fallback.AllowExplicitProvider, Is.True);
        Assert.That(fallback.FallsBackOn(ImageGenerationErrorKind.ServerError), Is.False);
    }

    [Test]
    public async Task Fallback_also_accepts_a_plain_list_of_provider_names()
    {
        using ServiceProvider sp = Build(new()
        {
            ["ImageGeneration:Fallback:0"] = "a",
            ["ImageGeneration:Fallback:1"] = "b",
        });
        Assert.That(sp.GetRequiredService<IOptions<ImageGenerationOptions>>().Value.Fallback.Providers, Is.EqualTo(new[] { "a", "b" }));
        _factory.Client("a").Handler = (_, _) => throw new ImageGenerationException(ImageGenerationErrorKind.Unavailable, "down");
        ImageGenerationResult result = await sp.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a fox") { MaxRetries = 0 });
        Assert.That(result.Provider, Is.EqualTo("b"));
    }

    [Test]
    public void Invalid_options_fail_at_start_up_naming_the_key()
    {
        using ServiceProvider sp = Build(new()
        {
            ["ImageGeneration:Retry:MaxRetries"] = "11",
            ["ImageGeneration:Retry:AttemptTimeout"] = "00:00:00",
            ["ImageGeneration:Providers:a:Retry:BaseDelay"] = "00:05:00",
            ["ImageGeneration:Providers:b:CircuitBreaker:MinimumThroughput"] = "1",
            ["ImageGeneration:CircuitBreaker:FailureRatio"] = "0",
            ["ImageGeneration:Fallback:Providers:0"] = "zzz",
            ["ImageGeneration:Fallback:ModelMap:yyy"] = "m",
        });
        OptionsValidationException? thrown = Assert.Throws<OptionsValidationException>(() => _ = sp.GetRequiredService<IOptions<ImageGenerationOptions>>().Value);
        string[] failures = [.. thrown!.Failures];
        Assert.That(failures, Has.Some.StartsWith("ImageGeneration:Retry:MaxRetries must be between 0 and 10"));
        Assert.That(failures, Has.Some.StartsWith("ImageGeneration:Retry:AttemptTimeout must be between"));
        Assert.That(failures, Has.Some.StartsWith("ImageGeneration:Providers:a:Retry:MaxDelay must be between BaseDelay (00:05:00)"));
        Assert.That(failures, Has.Some.StartsWith("ImageGeneration:Providers:b:CircuitBreaker:MinimumThroughput must be at least 2"));
        Assert.That(failures, Has.Some.StartsWith("ImageGeneration:CircuitBreaker:FailureRatio must be above 0"));
        Assert.That(failures, Has.Some.StartsWith("ImageGeneration:Fallback:Providers:0 'zzz' is not a configured provider"));
        Assert.That(failures, Has.Some.StartsWith("ImageGeneration:Fallback:ModelMap:yyy names a provider that is not configured"));
        Assert.That(failures.Count(f => f.Contains("MaxRetries", StringComparison.Ordinal)), Is.EqualTo(1), "a global mistake is reported once, not again per provider");
    }
}
