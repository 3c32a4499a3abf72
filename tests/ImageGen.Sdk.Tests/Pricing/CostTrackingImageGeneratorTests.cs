using ImageGen.Sdk.Pricing;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Pricing;

public sealed class CostTrackingImageGeneratorTests
{
    private static readonly ImagePriceTable OpenAIPrices = ImagePriceTable.Empty.With(OpenAIImagePrices.Models);

    private static readonly ImageProviderDescriptor OpenAI = new("openai", "OpenAI", "gpt-image-1");
    private static readonly ImageGenerationRequest HdDallE = new("a lighthouse") { Model = "dall-e-3", Quality = ImageQuality.Hd, Size = new ImageSize(1024, 1024) };
    private ManualTimeProvider _clock = null!;
    private InMemoryBudgetSpendStore _store = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualTimeProvider(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero));
        _store = new InMemoryBudgetSpendStore(_clock);
    }

    [Test]
    public async Task Every_result_carries_the_table_cost_times_the_images()
    {
        FakeImageGenerator fake = new("openai", "dall-e-3");
        CostTrackingImageGenerator generator = Build(fake, budget: null);

        ImageGenerationResult result = await generator.GenerateAsync(HdDallE with { Count = 3 });

        Assert.That(result.EstimatedCostUsd, Is.EqualTo(0.24m));
    }

    [Test]
    public async Task Reported_usage_wins_over_the_table()
    {
        FakeImageGenerator fake = new("openai", "gpt-image-1");
        fake.Handler = (request, _) => Task.FromResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(request, "openai", "gpt-image-1"))
        {
            Usage = new ImageUsage { InputTokens = 100, InputTextTokens = 100, OutputTokens = 1056 },
        });
        CostTrackingImageGenerator generator = Build(fake, budget: null);

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Quality = ImageQuality.Medium });

        Assert.That(result.EstimatedCostUsd, Is.EqualTo(((100 * 5m) + (1056 * 40m)) / 1_000_000m));
        Assert.That(result.IsCostEstimated, Is.False, "priced from the usage the provider reported");
    }

    [Test]
    public async Task Without_usage_a_GPT_image_call_is_estimated_from_its_own_quality_and_says_so()
    {
        FakeImageGenerator fake = new("openai", "gpt-image-1");
        CostTrackingImageGenerator generator = Build(fake, budget: null);
        ImageGenerationRequest low = new("x") { Quality = ImageQuality.Low, Size = new ImageSize(1024, 1024) };

        ImageGenerationResult result = await generator.GenerateAsync(low);

        decimal? lowPrice = OpenAIPrices.GetImagePrice("gpt-image-1", low.Size, ImageQuality.Low);
        decimal? highPrice = OpenAIPrices.GetImagePrice("gpt-image-1", low.Size, ImageQuality.High);
        Assert.That(lowPrice, Is.Not.Null.And.LessThan(highPrice!.Value));
        Assert.That(result.EstimatedCostUsd, Is.EqualTo(lowPrice), "the request's quality, not the dearest one");
        Assert.That(result.IsCostEstimated, Is.True);
    }

    [Test]
    public async Task An_unpriced_model_has_no_cost_and_no_estimate_flag()
    {
        CostTrackingImageGenerator generator = Build(new FakeImageGenerator(), budget: null);

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "flux-pro" });

        Assert.That((result.EstimatedCostUsd, result.IsCostEstimated), Is.EqualTo(((decimal?)null, false)));
    }

    [Test]
    public async Task The_Local_provider_costs_nothing_and_unknown_models_have_no_cost()
    {
        CostTrackingImageGenerator local = new(new FakeImageGenerator(), new ImageProviderDescriptor("local", "Local", "local-png"), ImagePriceTable.Empty.With(new ImageGen.Sdk.Providers.Local.LocalImageProviderFactory().DefaultPrices));
        CostTrackingImageGenerator unknown = Build(new FakeImageGenerator(), budget: null);

        Assert.That((await local.GenerateAsync(new ImageGenerationRequest("x"))).EstimatedCostUsd, Is.EqualTo(0m));
        Assert.That((await unknown.GenerateAsync(new ImageGenerationRequest("x") { Model = "flux-pro" })).EstimatedCostUsd, Is.Null);
    }

    [Test]
    public async Task A_call_that_would_pass_the_daily_budget_fails_without_a_call()
    {
        FakeImageGenerator fake = new("openai", "dall-e-3");
        CostTrackingImageGenerator generator = Build(fake, new BudgetOptions { DailyUsd = 0.20m });
        await generator.GenerateAsync(HdDallE);
        await generator.GenerateAsync(HdDallE);

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(HdDallE with { Count = 1 }))!;

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.BudgetExceeded));
        Assert.That(ex.IsTransient, Is.False);
        Assert.That(ex.Message, Does.Contain("daily budget of 0.20 USD"));
        Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromHours(12)), "until midnight UTC");
        Assert.That(fake.CallCount, Is.EqualTo(2));
        Assert.That(await _store.GetAsync("daily:2026-01-31"), Is.EqualTo(0.16m));
    }

    [Test]
    public async Task Budgets_roll_over_at_midnight_UTC_and_the_month_counts_on()
    {
        FakeImageGenerator fake = new("openai", "dall-e-3");
        CostTrackingImageGenerator generator = Build(fake, new BudgetOptions { DailyUsd = 0.10m, MonthlyUsd = 1m });
        await generator.GenerateAsync(HdDallE);
        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(HdDallE));

        _clock.Advance(TimeSpan.FromHours(12));
        await generator.GenerateAsync(HdDallE);

        Assert.That(fake.CallCount, Is.EqualTo(2));
        Assert.That(await _store.GetAsync("monthly:2026-02"), Is.EqualTo(0.08m), "a new month too");
        Assert.That(await _store.GetAsync("monthly:2026-01"), Is.Zero, "ended periods are dropped");
    }

    [Test]
    public async Task The_per_user_budget_limits_each_user_separately()
    {
        FakeImageGenerator fake = new("openai", "dall-e-3");
        CostTrackingImageGenerator generator = Build(fake, new BudgetOptions { PerUserDailyUsd = 0.10m });
        await generator.GenerateAsync(HdDallE with { User = "alice" });

        ImageGenerationException ex = Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(HdDallE with { User = "alice" }))!;
        await generator.GenerateAsync(HdDallE with { User = "bob" });
        await generator.GenerateAsync(HdDallE);

        Assert.That(ex.Kind, Is.EqualTo(ImageGenerationErrorKind.BudgetExceeded));
        Assert.That(ex.Message, Does.Not.Contain("alice"), "user ids stay out of messages");
        Assert.That(fake.CallCount, Is.EqualTo(3));
    }

    [Test]
    public async Task A_failed_call_gives_its_reservation_back_and_spend_is_the_actual_cost()
    {
        FakeImageGenerator fake = new("openai", "gpt-image-1");
        fake.ThenFail(ImageGenerationErrorKind.ServerError, status: 500);
        fake.Handler = (request, _) => Task.FromResult(new ImageGenerationResult(FakeImageGenerator.CreateResult(request, "openai", "gpt-image-1"))
        {
            Usage = new ImageUsage { InputTokens = 0, OutputTokens = 272 },
        });
        CostTrackingImageGenerator generator = Build(fake, new BudgetOptions { DailyUsd = 1m });
        ImageGenerationRequest request = new("x") { Quality = ImageQuality.Low };

        Assert.ThrowsAsync<ImageGenerationException>(() => generator.GenerateAsync(request));
        Assert.That(await _store.GetAsync("daily:2026-01-31"), Is.Zero);
        await generator.GenerateAsync(request);

        Assert.That(await _store.GetAsync("daily:2026-01-31"), Is.EqualTo(272 * 40m / 1_000_000m), "the estimate (0.011) was replaced by the usage cost");
    }

    [Test]
    public async Task Concurrent_calls_cannot_overrun_the_budget_together()
    {
        FakeImageGenerator fake = new("openai", "dall-e-3");
        TaskCompletionSource<ImageGenerationResult> gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        fake.Handler = (_, _) => gate.Task;
        CostTrackingImageGenerator generator = Build(fake, new BudgetOptions { DailyUsd = 0.30m });

        Task<ImageGenerationResult>[] calls = [.. Enumerable.Range(0, 5).Select(_ => generator.GenerateAsync(HdDallE))];
        gate.SetResult(FakeImageGenerator.CreateResult(HdDallE, "openai", "dall-e-3"));

        Assert.That(fake.CallCount, Is.EqualTo(3), "0.08 × 3 = 0.24 fits; a fourth would make 0.32");
        Assert.That(calls.Count(c => c.IsFaulted), Is.EqualTo(2));
        await Task.WhenAll(calls.Where(c => !c.IsFaulted));
    }

    [Test]
    public async Task A_call_without_an_estimate_is_allowed_and_recorded_when_usage_prices_it()
    {
        FakeImageGenerator fake = new("openai", "flux-pro");
        CostTrackingImageGenerator generator = Build(fake, new BudgetOptions { DailyUsd = 0.01m });

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "flux-pro" });

        Assert.That(result.EstimatedCostUsd, Is.Null);
        Assert.That(fake.CallCount, Is.EqualTo(1));
    }

    private CostTrackingImageGenerator Build(FakeImageGenerator fake, BudgetOptions? budget)
        => new(fake, OpenAI, OpenAIPrices, budget, _store, _clock);
}
