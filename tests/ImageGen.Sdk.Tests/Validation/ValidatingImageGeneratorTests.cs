using System.Net;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.OpenAI;
using ImageGen.Sdk.Validation;
using RichardSzalay.MockHttp;

namespace ImageGen.Sdk.Tests.Validation;

public class ValidatingImageGeneratorTests
{
    private FakeImageGenerator _inner = null!;
    private ValidatingImageGenerator _generator = null!;

    private static ImageProviderCatalog Catalog { get; } = new(
    [
        new ImageProviderDescriptor("strict", "Test", "sized-model",
        [
            new ImageModelCapabilities("sized-model")
            {
                SupportedSizes = [new ImageSize(1024, 1024), new ImageSize(1792, 1024)],
                SupportedAspectRatios = ["1:1", "16:9"],
                SupportedQualities = [ImageQuality.Standard, ImageQuality.Hd],
                MaxPromptLength = 100,
            },
            new ImageModelCapabilities("styled-model") { SupportsStyle = true },
            new ImageModelCapabilities("ruled-model")
            {
                CustomSizeRule = s => s.Width % 16 == 0 && s.Height % 16 == 0,
                CustomSizeRuleDescription = "sides divisible by 16",
            },
        ]),
        new ImageProviderDescriptor("other", "Test", "other-model"),
    ]);

    [SetUp]
    public void SetUp()
    {
        _inner = new FakeImageGenerator();
        _generator = new ValidatingImageGenerator(Route(_inner));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\t\n")]
    public void Blank_prompt_is_refused(string prompt)
        => AssertRefused(new ImageGenerationRequest(prompt), "request.Prompt", "Prompt");

    [TestCase(0)]
    [TestCase(-1)]
    [TestCase(11)]
    public void Count_outside_one_to_ten_is_refused(int count)
        => AssertRefused(new ImageGenerationRequest("x") { Count = count, Provider = "other" }, "request.Count", count.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [TestCase(1)]
    [TestCase(10)]
    public async Task Count_one_to_ten_passes(int count)
    {
        await _generator.GenerateAsync(new ImageGenerationRequest("x") { Count = count, Provider = "other" });

        Assert.That(_inner.CallCount, Is.EqualTo(1));
    }

    [Test]
    public void Unsupported_size_is_refused_listing_the_supported_sizes()
        => AssertRefused(new ImageGenerationRequest("x") { Size = new ImageSize(512, 512) }, "request.Size", "512x512", "1024x1024, 1792x1024", "sized-model");

    [Test]
    public void Size_outside_a_custom_rule_lists_the_rule()
        => AssertRefused(new ImageGenerationRequest("x") { Model = "ruled-model", Size = new ImageSize(1000, 1000) }, "request.Size", "sides divisible by 16");

    [Test]
    public async Task Supported_sizes_pass()
    {
        await _generator.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(1792, 1024) });
        await _generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "ruled-model", Size = new ImageSize(1008, 512) });

        Assert.That(_inner.CallCount, Is.EqualTo(2));
    }

    [TestCase("16-9")]
    [TestCase("16:")]
    [TestCase("0:1")]
    [TestCase("a:b")]
    public void Malformed_aspect_ratio_is_refused(string ratio)
        => AssertRefused(new ImageGenerationRequest("x") { AspectRatio = ratio, Provider = "other" }, "request.AspectRatio", ratio, "W:H");

    [Test]
    public void Aspect_ratio_the_model_does_not_take_is_refused_listing_the_supported_ones()
        => AssertRefused(new ImageGenerationRequest("x") { AspectRatio = "4:3" }, "request.AspectRatio", "4:3", "1:1, 16:9");

    [Test]
    public void Quality_the_model_does_not_take_is_refused_listing_the_supported_ones()
        => AssertRefused(new ImageGenerationRequest("x") { Quality = ImageQuality.Low }, "request.Quality", "low", "standard, hd");

    [Test]
    public async Task Quality_matches_ignoring_case()
    {
        await _generator.GenerateAsync(new ImageGenerationRequest("x") { Quality = new ImageQuality("HD") });

        Assert.That(_inner.CallCount, Is.EqualTo(1));
    }

    [Test]
    public void Style_for_a_model_without_styles_is_refused()
        => AssertRefused(new ImageGenerationRequest("x") { Style = ImageStyle.Vivid }, "request.Style", "sized-model");

    [Test]
    public async Task Style_for_a_model_with_styles_passes()
    {
        await _generator.GenerateAsync(new ImageGenerationRequest("x") { Model = "styled-model", Style = ImageStyle.Natural });

        Assert.That(_inner.CallCount, Is.EqualTo(1));
    }

    [Test]
    public void Prompt_longer_than_the_model_takes_is_refused_with_both_lengths()
        => AssertRefused(new ImageGenerationRequest(new string('a', 101)), "request.Prompt", "101", "100");

    [Test]
    public async Task Prompt_at_the_limit_passes()
    {
        await _generator.GenerateAsync(new ImageGenerationRequest(new string('a', 100)));

        Assert.That(_inner.CallCount, Is.EqualTo(1));
    }

    [Test]
    public void Unknown_provider_is_refused_listing_the_configured_ones()
    {
        ArgumentException? ex = Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(new ImageGenerationRequest("x") { Provider = "nowhere" }));

        Assert.That(ex!.Message, Does.Contain("nowhere").And.Contain("strict, other"));
        Assert.That(_inner.CallCount, Is.Zero);
    }

    [Test]
    public async Task Unknown_model_passes_through_unvalidated()
    {
        ImageGenerationRequest request = new("x") { Model = "brand-new-model", Size = new ImageSize(123, 457), Quality = "ultra", Style = "painterly", AspectRatio = "7:5" };

        await _generator.GenerateAsync(request);

        Assert.That(_inner.Requests.Single(), Is.SameAs(request));
    }

    [Test]
    public void Negative_MaxRetries_is_refused()
        => AssertRefused(new ImageGenerationRequest("x") { MaxRetries = -1, Provider = "other" }, "request.MaxRetries");

    [TestCase(11)]
    [TestCase(int.MaxValue)]
    public void MaxRetries_above_the_configuration_limit_is_refused(int maxRetries)
        => AssertRefused(new ImageGenerationRequest("x") { MaxRetries = maxRetries, Provider = "other" }, "request.MaxRetries", "between 0 and 10");

    [TestCase(0)]
    [TestCase(RetryOptions.MaxRetriesLimit)]
    public async Task MaxRetries_within_the_limit_passes(int maxRetries)
    {
        await _generator.GenerateAsync(new ImageGenerationRequest("x") { MaxRetries = maxRetries, Provider = "other" });

        Assert.That(_inner.CallCount, Is.EqualTo(1));
    }

    [Test]
    public void Mask_without_input_images_is_refused()
        => AssertRefused(new ImageGenerationRequest("x") { Mask = ImageInput.FromBytes(new byte[] { 1 }, ImageMediaTypes.Png), Provider = "other" }, "request.Mask");

    [Test]
    public void Null_request_is_refused()
        => Assert.That(() => _generator.GenerateAsync(null!), Throws.ArgumentNullException);

    [Test]
    public async Task Without_a_catalog_only_provider_independent_rules_apply()
    {
        ValidatingImageGenerator generator = new(_inner);

        await generator.GenerateAsync(new ImageGenerationRequest("x") { Provider = "anything", Size = new ImageSize(1, 1) });
        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("")));

        Assert.That(_inner.CallCount, Is.EqualTo(1));
    }

    [Test]
    public void UseValidation_finds_the_catalog_of_a_routing_layer_below_through_GetService()
    {
        IImageGenerator generator = new ImageGeneratorBuilder(Route(_inner)).UseValidation().Build();

        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Provider = "nowhere" }));
        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Provider = "strict", Size = new ImageSize(512, 512) }));
        Assert.That(_inner.CallCount, Is.Zero);
    }

    [Test]
    public async Task UseValidation_over_a_single_client_checks_the_models_of_its_metadata()
    {
        _inner.Metadata = new ImageGeneratorMetadata("solo", "Test", "sized-model", [.. Catalog.Find("strict")!.KnownModels]);
        IImageGenerator generator = new ImageGeneratorBuilder(_inner).UseValidation().Build();

        ArgumentException? refused = Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(512, 512) }));
        Assert.That(refused!.Message, Does.Contain("Size 512x512 is not supported by solo model 'sized-model'"));
        await generator.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(1792, 1024) });
        Assert.That(_inner.CallCount, Is.EqualTo(1));
    }

    [TestCase(0, null)]
    [TestCase(1, "512x512")]
    public void A_real_OpenAI_client_composed_by_hand_is_as_strict_as_under_DI_and_sends_nothing(int count, string? size)
    {
        using MockHttpMessageHandler server = new();
        MockedRequest any = server.When("*").Respond(HttpStatusCode.OK, "application/json", """{"created":1,"data":[]}""");
        using HttpClient http = server.ToHttpClient();
        OpenAIImageGenerator client = new(new OpenAIImageGeneratorOptions { ApiKey = "sk-test-0123456789abcdef" }, new ProviderTransport(http));
        IImageGenerator generator = new ImageGeneratorBuilder(client).UseValidation().Build();

        ImageGenerationRequest request = new("a lighthouse") { Model = "dall-e-3", Count = count, Size = size is null ? null : ImageSize.Parse(size) };
        ArgumentException? refused = Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(request));

        Assert.That(refused!.ParamName, Is.EqualTo(size is null ? "request.Count" : "request.Size"));
        Assert.That(server.GetMatchCount(any), Is.Zero, "nothing reached the network");
    }

    private static ProviderRoutingImageGenerator Route(FakeImageGenerator inner)
        => new(Catalog, new Dictionary<string, IImageGenerator>(StringComparer.OrdinalIgnoreCase) { ["strict"] = inner, ["other"] = inner });

    private void AssertRefused(ImageGenerationRequest request, string paramName, params string[] messageParts)
    {
        ArgumentException? ex = Assert.ThrowsAsync<ArgumentException>(() => _generator.GenerateAsync(request));

        Assert.That(ex!.ParamName, Is.EqualTo(paramName));
        foreach (string part in messageParts)
        {
            Assert.That(ex.Message, Does.Contain(part));
        }

        Assert.That(_inner.CallCount, Is.Zero, "an invalid request must not reach the inner generator");
    }
}
