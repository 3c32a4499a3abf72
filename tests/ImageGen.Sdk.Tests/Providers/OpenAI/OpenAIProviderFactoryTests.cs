using ImageGen.Sdk.Providers.AzureOpenAI;
using ImageGen.Sdk.Providers.OpenAI;
using ImageGen.Sdk.Validation;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

public class OpenAIProviderFactoryTests
{
    [Test]
    public void Describes_the_catalog_models_and_the_default_model()
    {
        ImageProviderDescriptor descriptor = new OpenAIImageProviderFactory().Describe("openai", new ImageProviderOptions { Type = "OpenAI" });

        Assert.That(descriptor.ProviderType, Is.EqualTo("OpenAI"));
        Assert.That(descriptor.DefaultModel, Is.EqualTo("gpt-image-1"));
        Assert.That(descriptor.KnownModels.Select(m => m.Model), Is.EquivalentTo(new[] { "dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini", "gpt-image-2" }));
        Assert.That(descriptor.GetModel("dall-e-3")!.MaxImagesPerCall, Is.EqualTo(1));
        Assert.That(descriptor.GetModel("dall-e-2")!.MaxPromptLength, Is.EqualTo(1000));
        Assert.That(descriptor.GetModel("gpt-image-1-mini")!.MaxPromptLength, Is.EqualTo(32000));
    }

    [TestCase("dall-e-2", "512x512", true)]
    [TestCase("dall-e-2", "1792x1024", false)]
    [TestCase("dall-e-3", "1792x1024", true)]
    [TestCase("dall-e-3", "512x512", false)]
    [TestCase("gpt-image-1", "1536x1024", true)]
    [TestCase("gpt-image-1", "1536x864", false)]
    [TestCase("gpt-image-1.5", "1024x1536", true)]
    [TestCase("gpt-image-2", "1536x864", true)]
    [TestCase("gpt-image-2", "3840x2160", true)]
    [TestCase("gpt-image-2", "2160x3840", true)]
    [TestCase("gpt-image-2", "3856x2160", false)]   // longer edge above 3840
    [TestCase("gpt-image-2", "3840x2176", false)]   // more pixels than 3840x2160
    [TestCase("gpt-image-2", "1000x1000", false)]   // not divisible by 16
    [TestCase("gpt-image-2", "3072x1008", false)]   // ratio above 3:1
    [TestCase("gpt-image-2", "3024x1008", true)]    // exactly 3:1
    [TestCase("my-new-model", "123x457", true)]     // unknown models pass through
    public void Validates_sizes_per_model(string model, string size, bool valid)
    {
        ImageProviderCatalog catalog = new([new OpenAIImageProviderFactory().Describe("openai", new ImageProviderOptions { Type = "OpenAI" })]);
        ImageGenerationRequest request = new("p") { Model = model, Size = ImageSize.Parse(size) };

        TestDelegate validate = () => ValidatingImageGenerator.Validate(request, catalog);

        if (valid)
        {
            Assert.That(validate, Throws.Nothing);
        }
        else
        {
            ArgumentException? ex = Assert.Throws<ArgumentException>(validate);
            Assert.That(ex!.Message, Does.Contain("Supported sizes"));
        }
    }

    [Test]
    public void Rejects_style_and_quality_the_model_does_not_take()
    {
        ImageProviderCatalog catalog = new([new OpenAIImageProviderFactory().Describe("openai", new ImageProviderOptions { Type = "OpenAI" })]);

        Assert.Throws<ArgumentException>(() => ValidatingImageGenerator.Validate(new ImageGenerationRequest("p") { Style = ImageStyle.Vivid }, catalog));
        Assert.Throws<ArgumentException>(() => ValidatingImageGenerator.Validate(new ImageGenerationRequest("p") { Model = "dall-e-3", Quality = ImageQuality.High }, catalog));
        Assert.Throws<ArgumentException>(() => ValidatingImageGenerator.Validate(new ImageGenerationRequest(new string('x', 4001)) { Model = "dall-e-3" }, catalog));
        Assert.DoesNotThrow(() => ValidatingImageGenerator.Validate(new ImageGenerationRequest("p") { Model = "dall-e-3", Quality = ImageQuality.Hd, Style = ImageStyle.Natural }, catalog));
    }

    [Test]
    public void Azure_describes_the_deployment_with_its_underlying_model()
    {
        ImageProviderDescriptor descriptor = new AzureOpenAIImageProviderFactory().Describe(
            "azure",
            new ImageProviderOptions { Type = "AzureOpenAI", BaseUrl = "https://r.openai.azure.com", Deployment = "painter", DefaultModel = "dall-e-3" });

        Assert.That(descriptor.DefaultModel, Is.EqualTo("painter"));
        ImageModelCapabilities? painter = descriptor.GetModel(null);
        Assert.That(painter, Is.Not.Null);
        Assert.That(painter!.Model, Is.EqualTo("painter"));
        Assert.That(painter.MaxImagesPerCall, Is.EqualTo(1));
        Assert.That(painter.SupportsStyle, Is.True);
    }

    [Test]
    public void Azure_deployment_of_unknown_model_passes_through_and_default_model_falls_back()
    {
        AzureOpenAIImageProviderFactory factory = new();

        ImageProviderDescriptor unknown = factory.Describe("azure", new ImageProviderOptions { Type = "AzureOpenAI", BaseUrl = "https://r", Deployment = "prod-images" });
        ImageProviderDescriptor v1 = factory.Describe("azure", new ImageProviderOptions { Type = "AzureOpenAI", BaseUrl = "https://r" });

        Assert.That(unknown.DefaultModel, Is.EqualTo("prod-images"));
        Assert.That(unknown.GetModel(null), Is.Null);
        Assert.That(v1.DefaultModel, Is.EqualTo("gpt-image-1"));
        Assert.That(v1.GetModel(null)!.Model, Is.EqualTo("gpt-image-1"));
    }

    [Test]
    public void Azure_validation_names_the_configuration_keys()
    {
        List<string> errors = [];

        new AzureOpenAIImageProviderFactory().Validate("azure", new ImageProviderOptions { Type = "AzureOpenAI", ApiKey = "k", ApiVersion = " ", Deployment = "" }, errors);

        Assert.That(errors, Has.Some.Contains("ImageGeneration:Providers:azure:BaseUrl"));
        Assert.That(errors, Has.Some.Contains("ImageGeneration:Providers:azure:ApiVersion"));
        Assert.That(errors, Has.Some.Contains("ImageGeneration:Providers:azure:Deployment"));
    }

    [Test]
    public void Valid_configurations_produce_no_errors()
    {
        List<string> errors = [];

        new OpenAIImageProviderFactory().Validate("openai", new ImageProviderOptions { Type = "OpenAI", ApiKey = "k" }, errors);
        new AzureOpenAIImageProviderFactory().Validate("azure", new ImageProviderOptions { Type = "AzureOpenAI", ApiKey = "k", BaseUrl = "https://r.openai.azure.com", Deployment = "d" }, errors);

        Assert.That(errors, Is.Empty);
    }
}
