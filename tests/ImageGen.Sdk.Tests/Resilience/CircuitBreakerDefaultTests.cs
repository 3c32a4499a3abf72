using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Tests.Resilience;

/// <summary>
/// The breaker's default under <c>AddImageGeneration()</c>: on only where a fallback provider can take the traffic,
/// so an app whose only provider recovers on retry never gets <see cref="ImageGenerationErrorKind.Unavailable"/>.
/// </summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class CircuitBreakerDefaultTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeProviderFactory _factory = new();

    private ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings.TryAdd("ImageGeneration:Providers:a:Type", "Fake");
        settings.TryAdd("ImageGeneration:DefaultProvider", "a");
        settings.TryAdd("ImageGeneration:Retry:BaseDelay", "00:00:00");
        return FakeProviderServices.Build(_time, _factory, settings);
    }

    private static ImageGenerationException Fail(ImageGenerationErrorKind kind, int? status, bool transient = true)
        => new(kind, $"fake {kind}") { Provider = "a", StatusCode = status, IsTransient = transient };

    [Test]
    public async Task One_provider_whose_calls_succeed_after_retries_never_gets_Unavailable()
    {
        using ServiceProvider sp = Build([]);
        IImageGenerator generator = sp.GetRequiredService<IImageGenerator>();
        FakeImageGenerator a = _factory.Client("a");

        // Fourteen attempts, eight of them failures (2x 429, 500 + 503, a reset, a truncated body, 500, 429), each
        // call recovering on retry: enough to pass the default 0.5 ratio over 10 attempts if attempts were judged.
        a.ThenThrow(Fail(ImageGenerationErrorKind.RateLimited, 429)).ThenThrow(Fail(ImageGenerationErrorKind.RateLimited, 429)).ThenSucceed();
        a.ThenThrow(Fail(ImageGenerationErrorKind.ServerError, 500)).ThenThrow(Fail(ImageGenerationErrorKind.ServerError, 503)).ThenSucceed();
        a.ThenThrow(new HttpRequestException("connection reset", new IOException("reset"))).ThenSucceed();
        a.ThenThrow(Fail(ImageGenerationErrorKind.InvalidResponse, 200, transient: true)).ThenSucceed();
        a.ThenThrow(Fail(ImageGenerationErrorKind.ServerError, 500)).ThenSucceed();
        a.ThenThrow(Fail(ImageGenerationErrorKind.RateLimited, 429)).ThenSucceed();

        List<int> attempts = [];
        for (int i = 0; i < 6; i++)
        {
            ImageGenerationResult result = await Clock.Completed(generator.GenerateAsync(new ImageGenerationRequest($"call {i}")));
            attempts.Add(result.Attempts);
        }

        Assert.That(attempts, Is.EqualTo(new[] { 3, 3, 2, 2, 2, 2 }), "every call reached the provider until it succeeded");
        Assert.That(a.CallCount, Is.EqualTo(14));
    }

    [Test]
    public async Task A_cancellation_during_the_back_off_after_recovered_failures_is_a_cancellation()
    {
        using ServiceProvider sp = Build([]);
        IImageGenerator generator = sp.GetRequiredService<IImageGenerator>();
        FakeImageGenerator a = _factory.Client("a");
        for (int i = 0; i < 6; i++)
        {
            a.ThenThrow(Fail(ImageGenerationErrorKind.ServerError, 503)).ThenSucceed();
            await Clock.Completed(generator.GenerateAsync(new ImageGenerationRequest($"call {i}")));
        }

        a.ThenThrow(new ImageGenerationException(ImageGenerationErrorKind.RateLimited, "slow down")
        {
            Provider = "a",
            StatusCode = 429,
            RetryAfter = TimeSpan.FromSeconds(5),
        });
        using CancellationTokenSource cts = new();
        Task<ImageGenerationResult> call = generator.GenerateAsync(new ImageGenerationRequest("cancelled"), cts.Token);
        await _time.WaitForTimersAsync(2); // the total time-out and the 5 s back-off
        Assert.That(a.CallCount, Is.EqualTo(13), "the call reached the provider and is waiting out its Retry-After");
        await cts.CancelAsync();

        Assert.That(async () => await Clock.Completed(call), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(a.CallCount, Is.EqualTo(13), "nothing more is sent after the cancellation");
    }

    [Test]
    public async Task With_a_fallback_provider_the_breaker_moves_traffic_away_from_a_provider_that_is_down()
    {
        using ServiceProvider sp = Build(new()
        {
            ["ImageGeneration:Providers:b:Type"] = "Fake",
            ["ImageGeneration:Fallback:Providers:0"] = "a",
            ["ImageGeneration:Fallback:Providers:1"] = "b",
        });
        IImageGenerator generator = sp.GetRequiredService<IImageGenerator>();
        FakeImageGenerator a = _factory.Client("a");
        a.Handler = (_, _) => Task.FromException<ImageGenerationResult>(Fail(ImageGenerationErrorKind.ServerError, 503));

        List<string> servedBy = [];
        for (int i = 0; i < 6; i++)
        {
            servedBy.Add((await Clock.Completed(generator.GenerateAsync(new ImageGenerationRequest($"call {i}")))).Provider);
        }

        Assert.That(servedBy, Is.All.EqualTo("b"));

        // Four attempts per call until the tenth failed attempt (in the third call) opens a's circuit (ratio 1 over
        // the default minimum of 10); from then on a is not called at all.
        Assert.That(a.CallCount, Is.EqualTo(10));
    }

    [Test]
    public void Enabled_true_puts_the_breaker_on_a_single_provider_too()
    {
        using ServiceProvider sp = Build(new()
        {
            ["ImageGeneration:CircuitBreaker:Enabled"] = "true",
            ["ImageGeneration:CircuitBreaker:MinimumThroughput"] = "2",
        });
        FakeImageGenerator a = _factory.Client("a");
        a.Handler = (_, _) => Task.FromException<ImageGenerationResult>(Fail(ImageGenerationErrorKind.ServerError, 503));

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(
            async () => await Clock.Completed(sp.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("a fox"))));

        Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.Unavailable), "the third attempt met the open circuit");
        Assert.That(a.CallCount, Is.EqualTo(2));
    }

    [Test]
    public async Task Enabled_false_leaves_a_provider_with_a_fallback_without_a_breaker()
    {
        using ServiceProvider sp = Build(new()
        {
            ["ImageGeneration:Providers:b:Type"] = "Fake",
            ["ImageGeneration:Fallback:Providers:0"] = "b",
            ["ImageGeneration:Providers:a:CircuitBreaker:Enabled"] = "false",
        });
        FakeImageGenerator a = _factory.Client("a");
        a.Handler = (_, _) => Task.FromException<ImageGenerationResult>(Fail(ImageGenerationErrorKind.ServerError, 503));

        for (int i = 0; i < 4; i++)
        {
            await Clock.Completed(sp.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest($"call {i}")));
        }

        Assert.That(a.CallCount, Is.EqualTo(16), "every call still tries a four times");
    }
}
