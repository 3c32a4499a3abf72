using ImageGen.Sdk.Caching;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

/// <summary><c>/images/variations</c> (dall-e-2): an input image and no prompt.</summary>
public sealed class OpenAIVariationTests
{
    private OpenAIMock _mock = null!;

    [SetUp]
    public void SetUp() => _mock = new OpenAIMock();

    [TearDown]
    public void TearDown() => _mock.Dispose();

    [Test]
    public async Task A_variation_is_a_multipart_call_to_images_variations_without_a_prompt()
    {
        OpenAIImageGenerator generator = _mock.Create();
        byte[] source = TestImages.Png(16, 16, 7);

        ImageGenerationResult result = await generator.GenerateAsync(
            ImageGenerationRequest.VariationOf(ImageInput.FromBytes(source)) with { Model = "dall-e-2", Count = 2, Size = new ImageSize(512, 512), User = "u1" });

        Assert.That(_mock.Requests.Single().RequestUri, Is.EqualTo(new Uri("https://api.openai.com/v1/images/variations")));
        List<MultipartPart> parts = await MultipartPart.ReadAllAsync(_mock.RawBodies[0], _mock.ContentTypes[0]!);
        Assert.That(parts.Single(p => p.Name == "image").Data, Is.EqualTo(source));
        Assert.That(parts.Single(p => p.Name == "model").Text, Is.EqualTo("dall-e-2"));
        Assert.That(parts.Single(p => p.Name == "n").Text, Is.EqualTo("2"));
        Assert.That(parts.Single(p => p.Name == "size").Text, Is.EqualTo("512x512"));
        Assert.That(parts.Single(p => p.Name == "response_format").Text, Is.EqualTo("b64_json"));
        Assert.That(parts.Single(p => p.Name == "user").Text, Is.EqualTo("u1"));
        Assert.That(parts.Select(p => p.Name), Has.None.EqualTo("prompt").And.None.EqualTo("mask").And.None.EqualTo("quality"));
        Assert.That(result.Images, Is.Not.Empty);
    }

    [Test]
    public void A_model_that_makes_no_variations_is_refused_before_any_call()
    {
        OpenAIImageGenerator generator = _mock.Create();

        ArgumentException? refused = Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(
            ImageGenerationRequest.VariationOf(ImageInput.FromBytes(TestImages.Png(8, 8))) with { Model = "gpt-image-1" }));

        Assert.That(refused!.Message, Does.Contain("makes no image variations").And.Contain("dall-e-2"));
        Assert.That(_mock.Requests, Is.Empty);
    }

    [Test]
    public void A_variation_with_a_prompt_a_mask_or_several_images_is_a_caller_mistake()
    {
        OpenAIImageGenerator generator = _mock.Create();
        ImageInput image = ImageInput.FromBytes(TestImages.Png(8, 8));
        ImageGenerationRequest variation = ImageGenerationRequest.VariationOf(image) with { Model = "dall-e-2" };

        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(variation with { Prompt = "a cat" }));
        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(variation with { Mask = image }));
        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(variation with { InputImages = [image, image] }));
        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(variation with { InputImages = [] }));
        Assert.That(_mock.Requests, Is.Empty);
    }

    [Test]
    public void A_variation_has_its_own_cache_key()
    {
        ImageInput image = ImageInput.FromBytes(TestImages.Png(8, 8));
        ImageGenerationRequest variation = ImageGenerationRequest.VariationOf(image);
        ImageGenerationRequest editWithEmptyPrompt = new(string.Empty) { InputImages = [image] };

        ImageCacheKey variationKey = ImageCacheKeyBuilder.Compute(variation, "openai", "dall-e-2");

        Assert.That(variationKey, Is.Not.EqualTo(ImageCacheKeyBuilder.Compute(editWithEmptyPrompt, "openai", "dall-e-2")));
        Assert.That(variationKey, Is.EqualTo(ImageCacheKeyBuilder.Compute(ImageGenerationRequest.VariationOf(image), "openai", "dall-e-2")));
    }

    [Test]
    public void Through_the_validation_layer_an_Azure_style_provider_without_variations_refuses()
    {
        ImageProviderCatalog catalog = new([new ImageProviderDescriptor("azure", "AzureOpenAI", "gpt-image-1", [new ImageModelCapabilities("gpt-image-1")])]);

        ArgumentException? refused = Assert.Throws<ArgumentException>(() => ImageGen.Sdk.Validation.ValidatingImageGenerator.Validate(
            ImageGenerationRequest.VariationOf(ImageInput.FromBytes(TestImages.Png(8, 8))) with { Model = "my-deployment" }, catalog));

        Assert.That(refused!.Message, Does.Contain("azure makes no image variations"));
    }
}
