using ImageGen.Sdk.RateLimiting;

namespace ImageGen.Sdk.Tests.RateLimiting;

public sealed class UserQuotaImageGeneratorTests
{
    private static readonly ImageGenerationRequest Alice = new("a lighthouse") { User = "alice" };

    [Test]
    public async Task The_daily_limit_refuses_with_RetryAfter_until_midnight_and_rolls_over()
    {
        ManualTimeProvider clock = new(new DateTimeOffset(2026, 5, 1, 18, 0, 0, TimeSpan.Zero));
        FakeImageGenerator fake = new();
        UserQuotaImageGenerator generator = new(fake, new UserQuotaOptions { DailyLimit = 3 }, timeProvider: clock);
        await generator.GenerateAsync(Alice with { Count = 2 });

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Alice with { Count = 2 }))!;
        await generator.GenerateAsync(Alice);
        await generator.GenerateAsync(Alice with { User = "bob", Count = 3 });

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromHours(6)));
        Assert.That(ex.Message, Does.Not.Contain("alice"));
        Assert.That(fake.CallCount, Is.EqualTo(3));
        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Alice));

        clock.Advance(TimeSpan.FromHours(6));
        await generator.GenerateAsync(Alice with { Count = 3 });
        Assert.That(fake.CallCount, Is.EqualTo(4));
    }

    [Test]
    public async Task A_failed_call_gives_its_images_back()
    {
        FakeImageGenerator fake = new();
        fake.ThenFail(ImageGenerationErrorKind.ServerError);
        UserQuotaImageGenerator generator = new(fake, new UserQuotaOptions { DailyLimit = 1 }, timeProvider: new ManualTimeProvider());

        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Alice));
        await generator.GenerateAsync(Alice);

        Assert.That(fake.CallCount, Is.EqualTo(2));
    }

    [Test]
    public void Tiers_from_the_resolver_override_the_base_and_pixels_over_the_maximum_are_an_argument_error()
    {
        FakeImageGenerator fake = new();
        FixedTierResolver resolver = new(new Dictionary<string, string> { ["alice"] = "free" });
        UserQuotaOptions options = new() { MaxPixels = 4096L * 4096 };
        options.Tiers["free"] = new UserQuotaTierOptions { MaxPixels = 1024 * 1024 };
        UserQuotaImageGenerator generator = new(fake, options, resolver);

        ArgumentException ex = Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(Alice with { Size = new ImageSize(1536, 1024) }))!;
        Assert.That(ex.Message, Does.Contain("tier 'free'"));
        Assert.That(async () => await generator.GenerateAsync(Alice with { User = "bob", Size = new ImageSize(1536, 1024) }), Throws.Nothing);
        Assert.That(fake.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task MaxConcurrency_refuses_a_users_extra_call_without_a_call()
    {
        FakeImageGenerator fake = new();
        TaskCompletionSource<ImageGenerationResult> slow = new(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Then((_, _) => slow.Task);
        UserQuotaImageGenerator generator = new(fake, new UserQuotaOptions { MaxConcurrency = 1 });
        Task<ImageGenerationResult> first = generator.GenerateAsync(Alice);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(Alice))!;
        await generator.GenerateAsync(Alice with { User = "bob" });

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.RateLimited));
        Assert.That(fake.CallCount, Is.EqualTo(2));
        slow.SetResult(FakeImageGenerator.CreateResult(Alice));
        await first;
        await generator.GenerateAsync(Alice);
        Assert.That(fake.CallCount, Is.EqualTo(3));
    }

    [Test]
    public async Task Requests_without_a_user_are_not_limited()
    {
        FakeImageGenerator fake = new();
        UserQuotaImageGenerator generator = new(fake, new UserQuotaOptions { DailyLimit = 1, MaxPixels = 1 });

        await generator.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(1024, 1024) });
        await generator.GenerateAsync(new ImageGenerationRequest("x"));

        Assert.That(fake.CallCount, Is.EqualTo(2));
    }

    private sealed class FixedTierResolver(Dictionary<string, string> tiers) : IUserTierResolver
    {
        public ValueTask<string?> GetTierAsync(string user, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(tiers.TryGetValue(user, out string? tier) ? tier : null);
    }
}
