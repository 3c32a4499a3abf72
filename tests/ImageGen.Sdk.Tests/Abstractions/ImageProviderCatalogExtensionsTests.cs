namespace ImageGen.Sdk.Tests.Abstractions;

public class ImageProviderCatalogExtensionsTests
{
    private static readonly ImageProviderCatalog Catalog = new(
    [
        new ImageProviderDescriptor("alpha", "Local", "model-a"),
        new ImageProviderDescriptor("beta", "Local", "model-b"),
    ], "alpha");

    [Test]
    public void Unknown_provider_names_request_Provider_and_lists_the_configured_ones()
    {
        ArgumentException? ex = Assert.Throws<ArgumentException>(() => Catalog.ResolveProvider(new ImageGenerationRequest("x") { Provider = "gamma" }));

        Assert.That(ex!.ParamName, Is.EqualTo("request.Provider"));
        Assert.That(ex.Message, Does.Contain("'gamma'").And.Contain("alpha, beta"));
    }

    [Test]
    public void Provider_names_resolve_case_insensitively_and_default_when_unset()
    {
        Assert.That(Catalog.ResolveRoute(new ImageGenerationRequest("x") { Provider = "BETA" }), Is.EqualTo(("beta", "model-b")));
        Assert.That(Catalog.ResolveRoute(new ImageGenerationRequest("x")), Is.EqualTo(("alpha", "model-a")));
    }
}
