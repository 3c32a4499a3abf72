using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.Local;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Tests.Providers.Local;

public class LocalImageProviderFactoryTests
{
    [Test]
    public void Factory_is_type_Local_without_api_key_and_accepts_any_options()
    {
        LocalImageProviderFactory factory = new();
        List<string> errors = [];

        factory.Validate("local", new ImageProviderOptions { Type = "Local" }, errors);

        Assert.That(factory.ProviderType, Is.EqualTo("Local"));
        Assert.That(factory.RequiresApiKey, Is.False);
        Assert.That(errors, Is.Empty);
    }

    [Test]
    public void Describe_lists_local_png_with_any_size_up_to_the_cap_and_ten_images_per_call()
    {
        ImageProviderDescriptor descriptor = new LocalImageProviderFactory().Describe("offline", new ImageProviderOptions { Type = "Local" });

        ImageModelCapabilities model = descriptor.GetModel(null)!;
        Assert.Multiple(() =>
        {
            Assert.That(descriptor.Name, Is.EqualTo("offline"));
            Assert.That(descriptor.ProviderType, Is.EqualTo("Local"));
            Assert.That(descriptor.DefaultModel, Is.EqualTo("local-png"));
            Assert.That(model.Model, Is.EqualTo("local-png"));
            Assert.That(model.MaxImagesPerCall, Is.EqualTo(10));
            Assert.That(model.SupportsSize(new ImageSize(17, 3)), Is.True);
            Assert.That(model.SupportsSize(new ImageSize(4096, 4096)), Is.True);
            Assert.That(model.SupportsSize(new ImageSize(4097, 4096)), Is.False);
            Assert.That(model.DescribeSupportedSizes(), Does.Contain("16777216"));
            Assert.That(model.SupportsSeed && model.SupportsNegativePrompt && model.SupportsStyle, Is.True);
        });
    }

    [Test]
    public void Describe_also_covers_a_configured_default_model()
    {
        ImageProviderDescriptor descriptor = new LocalImageProviderFactory().Describe("offline", new ImageProviderOptions { Type = "Local", DefaultModel = "mock-model" });

        Assert.That(descriptor.DefaultModel, Is.EqualTo("mock-model"));
        Assert.That(descriptor.GetModel(null)?.MaxImagesPerCall, Is.EqualTo(10));
        Assert.That(descriptor.GetModel("local-png"), Is.Not.Null);
    }

    [Test]
    public async Task Create_names_results_after_the_configured_provider_and_model()
    {
        ServiceProvider services = new ServiceCollection().BuildServiceProvider();
        IImageGenerator generator = new LocalImageProviderFactory().Create(
            new ImageProviderContext("offline", new ImageProviderOptions { Type = "Local", DefaultModel = "mock-model" }, null, services));

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("x") { Size = new ImageSize(8, 8) });

        Assert.That((result.Provider, result.Model), Is.EqualTo(("offline", "mock-model")));
    }
}
