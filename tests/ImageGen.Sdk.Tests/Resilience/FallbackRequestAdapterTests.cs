using ImageGen.Sdk.Resilience;

namespace ImageGen.Sdk.Tests.Resilience;

/// <summary>How a request is fitted to a fallback provider's model; the chain itself is in <see cref="FallbackImageGeneratorTests"/>.</summary>
public class FallbackRequestAdapterTests
{
    private static readonly ImageSize Square = new(1024, 1024);
    private static readonly FallbackRequestAdapter Adapter = new(new Dictionary<string, string>());
    private static readonly ImageProviderDescriptor SizeOnly = new("a", "Fake", "a-default",
    [
        new ImageModelCapabilities("a-default") { SupportedSizes = [Square, new ImageSize(1536, 1024), new ImageSize(1024, 1536)], SupportsStyle = true },
    ]);

    private static readonly ImageProviderDescriptor RatioOnly = new("c", "Fake", "c-default",
    [
        new ImageModelCapabilities("c-default") { SupportedAspectRatios = ["1:1", "3:2", "16:9", "9:16"] },
    ]);

    [Test]
    public void An_aspect_ratio_becomes_the_size_of_that_ratio_closest_to_the_target_default_size()
    {
        ImageProviderDescriptor target = new("d", "Fake", "d-default",
        [
            new ImageModelCapabilities("d-default") { SupportedSizes = [new(512, 512), new(1024, 1024), new(2048, 2048), new(1792, 1024)], DefaultSize = new(2048, 2048) },
        ]);
        List<string> warnings = [];

        ImageGenerationRequest sent = Adapter.Adapt(new ImageGenerationRequest("a fox") { AspectRatio = "1:1" }, RatioOnly, target, warnings);

        Assert.That(sent.Size, Is.EqualTo(new ImageSize(2048, 2048)));
        Assert.That(warnings, Has.Some.Contains("converted to size 2048x2048"));
    }

    [Test]
    public void A_target_that_takes_any_size_and_ratio_gets_both_unchanged()
    {
        ImageProviderDescriptor target = new("d", "Fake", "d-default",
        [
            new ImageModelCapabilities("d-default") { CustomSizeRule = s => s.Pixels <= 4_000_000, DefaultSize = Square },
        ]);
        List<string> warnings = [];

        ImageGenerationRequest sent = Adapter.Adapt(new ImageGenerationRequest("a fox") { Model = "d-default", AspectRatio = "21:9" }, target, target, warnings);

        Assert.That((sent.Size, sent.AspectRatio), Is.EqualTo(((ImageSize?)null, "21:9")));
        Assert.That(warnings, Is.Empty);
    }

    [Test]
    public void A_size_outside_a_rule_with_no_listed_sizes_falls_back_to_the_default_size()
    {
        ImageProviderDescriptor target = new("d", "Fake", "d-default",
        [
            new ImageModelCapabilities("d-default") { CustomSizeRule = s => s.Pixels <= 1_000_000 },
        ]);
        List<string> warnings = [];

        ImageGenerationRequest sent = Adapter.Adapt(new ImageGenerationRequest("a fox") { Size = new ImageSize(2048, 2048) }, SizeOnly, target, warnings);

        Assert.That(sent.Size, Is.Null);
        Assert.That(warnings, Has.One.EqualTo("Size 2048x2048 is not supported by 'd' model 'd-default'; using its default size."));
    }

    [TestCase(1024, 1024, 1024, 1024)]
    [TestCase(512, 512, 1024, 1024)]
    [TestCase(1024, 1536, 1024, 1792)]
    [TestCase(1920, 1080, 1792, 1024)]
    public void Nearest_size_prefers_the_aspect_ratio_then_the_area(int w, int h, int ew, int eh)
    {
        ImageSize[] supported = [new(1024, 1024), new(2048, 2048), new(1792, 1024), new(1024, 1792)];
        Assert.That(FallbackRequestAdapter.NearestSize(new ImageSize(w, h), supported), Is.EqualTo(new ImageSize(ew, eh)));
    }

    [Test]
    public void The_mapped_model_replaces_the_default_and_says_so()
    {
        FallbackRequestAdapter adapter = new(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["c"] = "c-default" });
        List<string> warnings = [];

        ImageGenerationRequest sent = adapter.Adapt(new ImageGenerationRequest("a fox") { Size = new ImageSize(1536, 1024) }, SizeOnly, RatioOnly, warnings);

        Assert.That((sent.Provider, sent.Model, sent.Size, sent.AspectRatio), Is.EqualTo(("c", "c-default", (ImageSize?)null, "3:2")));
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "Model 'a-default' replaced by 'c-default' on 'c'.",
            "Size 1536x1024 converted to aspect ratio 3:2: 'c' model 'c-default' takes an aspect ratio, not a size.",
        }));
    }
}
