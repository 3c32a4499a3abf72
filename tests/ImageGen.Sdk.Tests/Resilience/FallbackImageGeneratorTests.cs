using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Resilience;

namespace ImageGen.Sdk.Tests.Resilience;

[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public class FallbackImageGeneratorTests
{
    private static readonly ImageSize Square = new(1024, 1024);
    private static readonly ImageSize Landscape = new(1536, 1024);
    private static readonly ImageSize Wide = new(1792, 1024);

    private readonly FakeImageGenerator _a = new("a", "a-default");
    private readonly FakeImageGenerator _b = new("b", "b-default");
    private readonly FakeImageGenerator _c = new("c", "c-default");
    private readonly ImageProviderCatalog _catalog = new(
    [
        new ImageProviderDescriptor("a", "Fake", "a-default",
        [
            new ImageModelCapabilities("a-default") { SupportedSizes = [Square, Landscape, new ImageSize(1024, 1536)], SupportsStyle = true },
        ]),
        new ImageProviderDescriptor("b", "Fake", "b-default",
        [
            new ImageModelCapabilities("b-default") { SupportedSizes = [Square, Wide, new ImageSize(1024, 1792)], SupportedQualities = [ImageQuality.Standard, ImageQuality.Hd] },
            new ImageModelCapabilities("b-premium") { SupportedSizes = [Square, Landscape] },
        ]),
        new ImageProviderDescriptor("c", "Fake", "c-default",
        [
            new ImageModelCapabilities("c-default") { SupportedAspectRatios = ["1:1", "3:2", "16:9", "9:16"] },
        ]),
    ], "a");

    private FallbackImageGenerator Create(FallbackOptions? options = null)
    {
        options ??= new FallbackOptions();
        if (options.Providers.Count == 0)
        {
            foreach (string name in new[] { "a", "b", "c" })
            {
                options.Providers.Add(name);
            }
        }

        Dictionary<string, IImageGenerator> pipelines = new(StringComparer.OrdinalIgnoreCase) { ["a"] = _a, ["b"] = _b, ["c"] = _c };
        return new FallbackImageGenerator(new ProviderRoutingImageGenerator(_catalog, pipelines), options);
    }

    [Test]
    public async Task Tries_providers_in_order_until_one_serves_and_names_it()
    {
        _a.ThenFail(ImageGenerationErrorKind.Unavailable);
        _b.ThenFail(ImageGenerationErrorKind.RateLimited);

        ImageGenerationResult result = await Create().GenerateAsync(new ImageGenerationRequest("a fox"));

        Assert.That(result.Provider, Is.EqualTo("c"));
        Assert.That((_a.CallCount, _b.CallCount, _c.CallCount), Is.EqualTo((1, 1, 1)));
        Assert.That(result.Warnings[0], Does.Contain("fallback provider 'c'").And.Contain("'a' failed: Unavailable").And.Contain("'b' failed: RateLimited"));
        Assert.That(result.Attempts, Is.EqualTo(3));
    }

    [Test]
    public async Task The_primary_serves_without_warnings_when_it_succeeds()
    {
        ImageGenerationResult result = await Create().GenerateAsync(new ImageGenerationRequest("a fox"));
        Assert.That(result.Provider, Is.EqualTo("a"));
        Assert.That(result.Warnings, Is.Empty);
        Assert.That(_b.CallCount, Is.Zero);
    }

    [TestCase(ImageGenerationErrorKind.ServerError)]
    [TestCase(ImageGenerationErrorKind.Timeout)]
    [TestCase(ImageGenerationErrorKind.Network)]
    [TestCase(ImageGenerationErrorKind.QuotaExceeded)]
    public async Task Default_kinds_fall_back(ImageGenerationErrorKind kind)
    {
        _a.ThenFail(kind);
        Assert.That((await Create().GenerateAsync(new ImageGenerationRequest("a fox"))).Provider, Is.EqualTo("b"));
    }

    [TestCase(ImageGenerationErrorKind.ContentFiltered)]
    [TestCase(ImageGenerationErrorKind.InvalidRequest)]
    [TestCase(ImageGenerationErrorKind.Authentication)]
    public void Other_kinds_are_thrown_without_trying_another_provider(ImageGenerationErrorKind kind)
    {
        _a.ThenFail(kind);
        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Create().GenerateAsync(new ImageGenerationRequest("a fox")));
        Assert.That(thrown!.Kind, Is.EqualTo(kind));
        Assert.That(_b.CallCount, Is.Zero);
    }

    [Test]
    public void The_trigger_kinds_are_configurable()
    {
        FallbackOptions options = new();
        options.On.Add(ImageGenerationErrorKind.ServerError);
        _a.ThenFail(ImageGenerationErrorKind.RateLimited);
        Assert.ThrowsAsync<ImageGenerationException>(() => Create(options).GenerateAsync(new ImageGenerationRequest("a fox")));
        Assert.That(_b.CallCount, Is.Zero);
    }

    [Test]
    public void When_every_provider_fails_the_last_failure_is_thrown()
    {
        _a.ThenFail(ImageGenerationErrorKind.Unavailable);
        _b.ThenFail(ImageGenerationErrorKind.ServerError);
        _c.ThenFail(ImageGenerationErrorKind.RateLimited, TimeSpan.FromSeconds(9));
        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(() => Create().GenerateAsync(new ImageGenerationRequest("a fox")));
        Assert.That(thrown!.Provider, Is.EqualTo("c"));
        Assert.That(thrown.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(9)));
    }

    [Test]
    public void An_explicit_provider_is_pinned()
    {
        _b.ThenFail(ImageGenerationErrorKind.Unavailable);
        Assert.ThrowsAsync<ImageGenerationException>(() => Create().GenerateAsync(new ImageGenerationRequest("a fox") { Provider = "b" }));
        Assert.That((_a.CallCount, _b.CallCount, _c.CallCount), Is.EqualTo((0, 1, 0)));
    }

    [Test]
    public async Task An_explicit_provider_falls_back_with_AllowFallback_starting_at_itself()
    {
        _b.ThenFail(ImageGenerationErrorKind.Unavailable);
        ImageGenerationResult result = await Create().GenerateAsync(new ImageGenerationRequest("a fox") { Provider = "b", AllowFallback = true });
        Assert.That(result.Provider, Is.EqualTo("a"));
        Assert.That((_a.CallCount, _b.CallCount, _c.CallCount), Is.EqualTo((1, 1, 0)));
    }

    [Test]
    public async Task AllowExplicitProvider_lets_every_pinned_request_fall_back()
    {
        FallbackOptions options = new() { AllowExplicitProvider = true };
        _b.ThenFail(ImageGenerationErrorKind.Unavailable);
        ImageGenerationResult result = await Create(options).GenerateAsync(new ImageGenerationRequest("a fox") { Provider = "b" });
        Assert.That(result.Provider, Is.EqualTo("a"));
    }

    [Test]
    public async Task The_request_is_adapted_to_the_fallback_model_and_each_change_is_a_warning()
    {
        _a.ThenFail(ImageGenerationErrorKind.ServerError);
        ImageGenerationRequest request = new("a fox") { Model = "a-default", Size = Landscape, Style = ImageStyle.Vivid, Quality = ImageQuality.High };

        ImageGenerationResult result = await Create().GenerateAsync(request);

        ImageGenerationRequest sent = _b.Requests.Single();
        Assert.That(sent.Provider, Is.EqualTo("b"));
        Assert.That(sent.Model, Is.Null, "unmapped: the provider's default model");
        Assert.That(sent.Size, Is.EqualTo(Wide), "1536x1024 (3:2) is nearest to 1792x1024 (7:4) by aspect ratio");
        Assert.That(sent.Style, Is.Null);
        Assert.That(sent.Quality, Is.Null);
        Assert.That(result.Warnings, Has.Some.Contains("Model 'a-default' replaced by 'b-default'"));
        Assert.That(result.Warnings, Has.Some.Contains("Size 1536x1024 is not supported by 'b' model 'b-default'; using 1792x1024"));
        Assert.That(result.Warnings, Has.Some.Contains("Style 'vivid' dropped"));
        Assert.That(result.Warnings, Has.Some.Contains("Quality 'high' dropped"));
    }

    [Test]
    public async Task ModelMap_picks_the_fallback_model_and_its_capabilities()
    {
        FallbackOptions options = new();
        options.ModelMap["b"] = "b-premium";
        _a.ThenFail(ImageGenerationErrorKind.ServerError);

        ImageGenerationResult result = await Create(options).GenerateAsync(new ImageGenerationRequest("a fox") { Size = Landscape });

        ImageGenerationRequest sent = _b.Requests.Single();
        Assert.That(sent.Model, Is.EqualTo("b-premium"));
        Assert.That(sent.Size, Is.EqualTo(Landscape), "b-premium supports it: no change");
        Assert.That(result.Warnings.Skip(1), Has.One.Contains("replaced by 'b-premium'"));
    }

    [Test]
    public async Task Aspect_ratio_becomes_the_nearest_supported_ratio()
    {
        FallbackOptions options = new();
        options.Providers.Add("a");
        options.Providers.Add("c");
        _a.ThenFail(ImageGenerationErrorKind.ServerError);

        ImageGenerationResult result = await Create(options).GenerateAsync(new ImageGenerationRequest("a fox") { AspectRatio = "4:3" });

        Assert.That(_c.Requests.Single().AspectRatio, Is.EqualTo("3:2"));
        Assert.That(result.Warnings, Has.Some.Contains("Aspect ratio 4:3 is not supported by 'c' model 'c-default'; using 3:2"));
    }

    [TestCase(1536, 1024, "3:2")]
    [TestCase(1792, 1024, "16:9")]
    [TestCase(1024, 1024, "1:1")]
    [TestCase(1024, 1536, "9:16")]
    public async Task A_size_becomes_the_nearest_ratio_on_a_ratio_only_target(int w, int h, string expected)
    {
        FallbackOptions options = new();
        options.Providers.Add("a");
        options.Providers.Add("c");
        _a.ThenFail(ImageGenerationErrorKind.ServerError);

        ImageGenerationResult result = await Create(options).GenerateAsync(new ImageGenerationRequest("a fox") { Size = new ImageSize(w, h) });

        ImageGenerationRequest sent = _c.Requests.Single();
        Assert.That((sent.Size, sent.AspectRatio), Is.EqualTo(((ImageSize?)null, expected)));
        Assert.That(result.Warnings, Has.One.EqualTo($"Size {w}x{h} converted to aspect ratio {expected}: 'c' model 'c-default' takes an aspect ratio, not a size."));
    }

    [TestCase("16:9", 1792, 1024)]
    [TestCase("9:16", 1024, 1792)]
    [TestCase("4:3", 1792, 1024)]
    [TestCase("1:1", 1024, 1024)]
    public async Task An_aspect_ratio_becomes_the_nearest_size_on_a_size_only_target(string ratio, int ew, int eh)
    {
        FallbackOptions options = new();
        options.Providers.Add("c");
        options.Providers.Add("b");
        _c.ThenFail(ImageGenerationErrorKind.RateLimited);

        ImageGenerationResult result = await Create(options).GenerateAsync(new ImageGenerationRequest("a fox") { Provider = "c", AllowFallback = true, AspectRatio = ratio });

        ImageGenerationRequest sent = _b.Requests.Single();
        Assert.That((sent.Size, sent.AspectRatio), Is.EqualTo(((ImageSize?)new ImageSize(ew, eh), (string?)null)));
        Assert.That(result.Warnings, Has.One.EqualTo($"Aspect ratio {ratio} converted to size {ew}x{eh}: 'b' model 'b-default' takes a size, not an aspect ratio."));
    }

    [Test]
    public async Task A_size_is_dropped_for_a_ratio_only_target_when_the_request_also_names_a_ratio()
    {
        FallbackOptions options = new();
        options.Providers.Add("a");
        options.Providers.Add("c");
        _a.ThenFail(ImageGenerationErrorKind.ServerError);

        ImageGenerationResult result = await Create(options).GenerateAsync(new ImageGenerationRequest("a fox") { Size = Square, AspectRatio = "16:9" });

        ImageGenerationRequest sent = _c.Requests.Single();
        Assert.That((sent.Size, sent.AspectRatio), Is.EqualTo(((ImageSize?)null, "16:9")));
        Assert.That(result.Warnings, Has.One.Contains("Size 1024x1024 dropped: 'c' model 'c-default' takes an aspect ratio, not a size"));
        Assert.That(result.Warnings, Has.None.Contains("Aspect ratio 16:9"), "a supported ratio is not a change");
    }

    [Test]
    public async Task An_aspect_ratio_is_dropped_for_a_size_only_target_when_the_request_also_names_a_size()
    {
        _a.ThenFail(ImageGenerationErrorKind.ServerError);

        ImageGenerationResult result = await Create().GenerateAsync(new ImageGenerationRequest("a fox") { Size = Square, AspectRatio = "1:1" });

        ImageGenerationRequest sent = _b.Requests.Single();
        Assert.That((sent.Size, sent.AspectRatio), Is.EqualTo(((ImageSize?)Square, (string?)null)));
        Assert.That(result.Warnings, Has.One.Contains("Aspect ratio 1:1 dropped: 'b' model 'b-default' takes a size, not an aspect ratio (size 1024x1024 requested)"));
        Assert.That(result.Warnings, Has.None.Contains("Size 1024x1024"), "a supported size is not a change");
    }

    [Test]
    public async Task A_quality_and_style_the_target_takes_are_kept()
    {
        _a.ThenFail(ImageGenerationErrorKind.ServerError);
        FallbackOptions options = new();
        options.Providers.Add("a");
        options.Providers.Add("b");

        ImageGenerationResult result = await Create(options).GenerateAsync(new ImageGenerationRequest("a fox") { Size = Square, Quality = ImageQuality.Hd });

        Assert.That(_b.Requests.Single().Quality, Is.EqualTo(ImageQuality.Hd));
        Assert.That(result.Warnings.Skip(1), Has.None.Contains("Quality"));
    }

    [Test]
    public void Cancellation_is_not_a_reason_to_fall_back()
    {
        using CancellationTokenSource cts = new();
        _a.Then(async (_, ct) =>
        {
            await cts.CancelAsync();
            ct.ThrowIfCancellationRequested();
            throw new InvalidOperationException("unreachable");
        });
        Assert.That(() => Create().GenerateAsync(new ImageGenerationRequest("a fox"), cts.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_b.CallCount, Is.Zero);
    }

    [TestCase(null, "a", 10, "b")]
    [TestCase("b", "b", 30, "a")]
    public async Task The_total_timeout_of_the_starting_provider_bounds_the_whole_call_fallback_included(string? pinned, string first, int limitSeconds, string second)
    {
        ManualTimeProvider time = new();
        FakeImageGenerator firstClient = first == "a" ? _a : _b;
        FakeImageGenerator secondClient = second == "a" ? _a : _b;
        firstClient.Then(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(6), time, ct);
            throw new ImageGenerationException(ImageGenerationErrorKind.ServerError, "down") { Provider = first };
        });
        secondClient.Handler = Clock.HangAsync;
        FallbackImageGenerator generator = CreateWithDeadline(time, new() { ["a"] = TimeSpan.FromSeconds(10), ["b"] = TimeSpan.FromSeconds(30), ["c"] = TimeSpan.FromMinutes(5) });

        Task<ImageGenerationResult> call = generator.GenerateAsync(new ImageGenerationRequest("a fox") { Provider = pinned, AllowFallback = true });
        await time.WaitForTimersAsync(2); // the call's deadline and the first provider's work
        time.Advance(TimeSpan.FromSeconds(6));
        await Clock.WaitUntilAsync(() => secondClient.CallCount == 1, () => "the second provider was not tried");
        time.Advance(TimeSpan.FromSeconds(limitSeconds - 6) - TimeSpan.FromMilliseconds(1));
        Assert.That(call.IsCompleted, Is.False, "the second provider still has time left");
        time.Advance(TimeSpan.FromMilliseconds(1));

        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(async () => await Clock.Completed(call));
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.Timeout));
            Assert.That(thrown.Provider, Is.EqualTo(second), "the provider that was cut off");
            Assert.That(thrown.Message, Does.Contain($"total timeout of {TimeSpan.FromSeconds(limitSeconds)} (Retry:TotalTimeout of '{first}'), fallback included")
                .And.Contain($"'{first}' failed: ServerError").And.Contain($"'{second}' was cut off"));
            Assert.That(_c.CallCount, Is.Zero, "no provider is tried after the deadline");
            Assert.That(thrown.Attempts, Is.EqualTo(2));
            Assert.That(time.ActiveTimerCount, Is.Zero);
        });
    }

    // The first provider's own total time-out (as long as the deadline, started a moment later) can fire a hair before
    // the deadline's timer; a fallback provider started then would only be cut off, after maybe sending a paid request.
    [TestCase(1L)]
    [TestCase(50 * TimeSpan.TicksPerMillisecond)]
    [TestCase(100 * TimeSpan.TicksPerMillisecond)]
    public async Task A_first_provider_failing_at_the_deadline_does_not_start_the_next(long ticksBeforeDeadline)
    {
        ManualTimeProvider time = new();
        TimeSpan total = TimeSpan.FromSeconds(10);
        _a.Then(async (_, _) =>
        {
            // Not the call's token: this is the provider's own timer, which fires before the deadline's.
            await Task.Delay(total - TimeSpan.FromTicks(ticksBeforeDeadline), time, CancellationToken.None);
            throw new ImageGenerationException(ImageGenerationErrorKind.Timeout, "a's total time-out") { Provider = "a" };
        });
        _b.Handler = Clock.HangAsync;
        FallbackImageGenerator generator = CreateWithDeadline(time, new() { ["a"] = total, ["b"] = total, ["c"] = total });

        Task<ImageGenerationResult> call = generator.GenerateAsync(new ImageGenerationRequest("a fox"));
        await time.WaitForTimersAsync(2); // the call's deadline and a's own time-out
        time.Advance(total - TimeSpan.FromTicks(ticksBeforeDeadline));
        await TestWait.UntilAsync(() => call.IsCompleted || _b.CallCount > 0, "the call to end or fall back");
        await TestWait.SettleAsync();

        Assert.That(_b.CallCount, Is.Zero, "no request reaches a provider that could only be cut off");
        ImageGenerationException? thrown = Assert.ThrowsAsync<ImageGenerationException>(async () => await call);
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Kind, Is.EqualTo(ImageGenerationErrorKind.Timeout));
            Assert.That(thrown.Provider, Is.EqualTo("a"), "the provider the deadline ended");
            Assert.That(thrown.Message, Does.Contain("total timeout of 00:00:10 (Retry:TotalTimeout of 'a'), fallback included")
                .And.Contain("'a' failed: Timeout").And.Contain("no time left to try 'b'"));
            Assert.That(thrown.InnerException?.Message, Is.EqualTo("a's total time-out"));
            Assert.That(thrown.Attempts, Is.EqualTo(1));
            Assert.That(_c.CallCount, Is.Zero);
            Assert.That(time.ActiveTimerCount, Is.Zero);
        });
    }

    [Test]
    public async Task A_fallback_with_more_than_the_minimum_left_still_starts()
    {
        ManualTimeProvider time = new();
        TimeSpan total = TimeSpan.FromSeconds(10);
        TimeSpan failAt = total - FallbackImageGenerator.MinimumTimeLeft(total) - TimeSpan.FromTicks(1);
        _a.Then(async (_, ct) =>
        {
            await Task.Delay(failAt, time, ct);
            throw new ImageGenerationException(ImageGenerationErrorKind.Timeout, "a's attempt time-out") { Provider = "a" };
        });
        FallbackImageGenerator generator = CreateWithDeadline(time, new() { ["a"] = total });

        Task<ImageGenerationResult> call = generator.GenerateAsync(new ImageGenerationRequest("a fox"));
        await time.WaitForTimersAsync(2);
        time.Advance(failAt);

        ImageGenerationResult result = await Clock.Completed(call);
        Assert.That(result.Provider, Is.EqualTo("b"));
        Assert.That(FallbackImageGenerator.MinimumTimeLeft(total), Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        Assert.That(FallbackImageGenerator.MinimumTimeLeft(TimeSpan.FromMinutes(5)), Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(FallbackImageGenerator.MinimumTimeLeft(TimeSpan.FromMilliseconds(10)), Is.EqualTo(TimeSpan.FromTicks(1000)));
    }

    [Test]
    public async Task The_callers_cancellation_under_a_deadline_stays_a_cancellation()
    {
        ManualTimeProvider time = new();
        _a.Handler = Clock.HangAsync;
        using CancellationTokenSource cts = new();
        FallbackImageGenerator generator = CreateWithDeadline(time, new() { ["a"] = TimeSpan.FromSeconds(10) });

        Task<ImageGenerationResult> call = generator.GenerateAsync(new ImageGenerationRequest("a fox"), cts.Token);
        await time.WaitForTimersAsync(1);
        await cts.CancelAsync();

        await Clock.WaitUntilAsync(() => call.IsCompleted);
        Assert.That(async () => await call, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(_b.CallCount, Is.Zero);
    }

    [Test]
    public async Task A_call_that_cannot_fall_back_starts_no_deadline_of_its_own()
    {
        ManualTimeProvider time = new();
        _b.Handler = Clock.HangAsync;
        using CancellationTokenSource cts = new();
        FallbackImageGenerator generator = CreateWithDeadline(time, new() { ["b"] = TimeSpan.FromSeconds(10) });

        Task<ImageGenerationResult> call = generator.GenerateAsync(new ImageGenerationRequest("a fox") { Provider = "b" }, cts.Token);
        await Clock.WaitUntilAsync(() => _b.CallCount == 1);

        Assert.That(time.ActiveTimerCount, Is.Zero, "a pinned call is bounded by its provider's own total time-out");
        await cts.CancelAsync();
        Assert.That(async () => await Clock.Completed(call), Throws.InstanceOf<OperationCanceledException>());
    }

    private FallbackImageGenerator CreateWithDeadline(ManualTimeProvider time, Dictionary<string, TimeSpan> totalTimeouts)
    {
        FallbackOptions options = new();
        foreach (string name in new[] { "a", "b", "c" })
        {
            options.Providers.Add(name);
        }

        Dictionary<string, IImageGenerator> pipelines = new(StringComparer.OrdinalIgnoreCase) { ["a"] = _a, ["b"] = _b, ["c"] = _c };
        return new FallbackImageGenerator(new ProviderRoutingImageGenerator(_catalog, pipelines), options, null, name => totalTimeouts[name], time);
    }

    [Test]
    public void Unknown_fallback_providers_are_rejected()
    {
        FallbackOptions options = new();
        options.Providers.Add("zzz");
        Dictionary<string, IImageGenerator> pipelines = new(StringComparer.OrdinalIgnoreCase) { ["a"] = _a, ["b"] = _b, ["c"] = _c };
        Assert.That(() => new FallbackImageGenerator(new ProviderRoutingImageGenerator(_catalog, pipelines), options), Throws.ArgumentException.With.Message.Contains("'zzz'"));
    }

    [Test]
    public void A_generator_below_without_a_catalog_is_rejected_naming_the_seam()
    {
        Assert.That(() => new FallbackImageGenerator(_a, new FallbackOptions()), Throws.ArgumentException.With.Message.Contains("IImageProviderCatalog"));
    }
}
