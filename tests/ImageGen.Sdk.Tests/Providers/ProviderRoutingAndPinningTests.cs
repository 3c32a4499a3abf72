using ImageGen.Sdk.Providers;

namespace ImageGen.Sdk.Tests.Providers;

public class ProviderRoutingAndPinningTests
{
    private static readonly ImageProviderCatalog Catalog = new(
    [
        new ImageProviderDescriptor("alpha", "Local", "m"),
        new ImageProviderDescriptor("beta", "Local", "m"),
        new ImageProviderDescriptor("gamma", "Local", "m"),
    ], "alpha");

    [Test]
    public void Routing_disposes_every_distinct_pipeline_once()
    {
        DisposalCountingGenerator alpha = new("alpha");
        DisposalCountingGenerator beta = new("beta");
        Dictionary<string, IImageGenerator> pipelines = new(StringComparer.OrdinalIgnoreCase)
        {
            ["alpha"] = alpha,
            ["beta"] = beta,
            ["gamma"] = beta,
        };
        ProviderRoutingImageGenerator router = new(Catalog, pipelines);

        router.Dispose();
        router.Dispose();

        Assert.That((alpha.DisposeCount, beta.DisposeCount), Is.EqualTo((1, 1)));
    }

    [Test]
    public void Disposing_a_pinned_generator_leaves_the_shared_stack_alone()
    {
        DisposalCountingGenerator stack = new("alpha");
        PinnedProviderImageGenerator pinned = new(stack, "beta");

        pinned.Dispose();

        Assert.That(stack.DisposeCount, Is.Zero);
    }

    [Test]
    public async Task Pinned_generator_fills_in_its_provider_and_accepts_its_own_name_in_any_case()
    {
        DisposalCountingGenerator stack = new("alpha");
        PinnedProviderImageGenerator pinned = new(stack, "beta");

        await pinned.GenerateAsync(new ImageGenerationRequest("x"));
        await pinned.GenerateAsync(new ImageGenerationRequest("x") { Provider = "BETA" });

        Assert.That(stack.Requests.Select(r => r.Provider), Is.EqualTo(new[] { "beta", "BETA" }));
    }

    [Test]
    public void Pinned_generator_refuses_a_request_naming_another_provider_before_any_call()
    {
        DisposalCountingGenerator stack = new("alpha");
        PinnedProviderImageGenerator pinned = new(stack, "beta");

        ArgumentException? ex = Assert.Throws<ArgumentException>(() => pinned.GenerateAsync(new ImageGenerationRequest("x") { Provider = "alpha" }));

        Assert.That(ex!.ParamName, Is.EqualTo("request.Provider"));
        Assert.That(ex.Message, Does.Contain("'beta'").And.Contain("'alpha'"));
        Assert.That(stack.Requests, Is.Empty);
    }

    [Test]
    public void Routing_answers_the_catalog_and_each_providers_metadata_by_name()
    {
        FakeImageGenerator alpha = new("alpha") { Metadata = new ImageGeneratorMetadata("alpha", "Local", "m", [new ImageModelCapabilities("m")], new Uri("http://127.0.0.1:1/")) };
        FakeImageGenerator beta = new("beta");
        ProviderRoutingImageGenerator router = new(Catalog, new Dictionary<string, IImageGenerator>(StringComparer.OrdinalIgnoreCase) { ["alpha"] = alpha, ["beta"] = beta, ["gamma"] = beta });

        Assert.That(router.GetService<IImageProviderCatalog>(), Is.SameAs(Catalog));
        Assert.That(router.GetService<ImageGeneratorMetadata>("ALPHA"), Is.SameAs(alpha.Metadata), "the pipeline's own answer, names ignore case");
        Assert.That(router.GetService<ImageGeneratorMetadata>("beta")!.ProviderName, Is.EqualTo("beta"), "from the catalog when the pipeline has none");
        Assert.That(router.GetService<ImageGeneratorMetadata>(), Is.SameAs(alpha.Metadata), "unkeyed: the default provider's pipeline");
        Assert.That(router.GetService<FakeImageGenerator>("beta"), Is.SameAs(beta), "a keyed request goes to that provider's pipeline");
        Assert.That(router.GetService<ImageGeneratorMetadata>("nowhere"), Is.Null);
    }

    [Test]
    public void Routing_builds_its_catalog_from_what_each_pipeline_says_about_itself()
    {
        FakeImageGenerator first = new("x") { Metadata = new ImageGeneratorMetadata("ignored", "OpenAI", "gpt-image-1", [new ImageModelCapabilities("gpt-image-1")]) };
        FakeImageGenerator second = new("y") { Metadata = new ImageGeneratorMetadata("y", "Local", "local", []) };
        ProviderRoutingImageGenerator router = new(new Dictionary<string, IImageGenerator> { ["main"] = first, ["spare"] = second }, defaultProvider: "spare");

        IImageProviderCatalog catalog = router.GetRequiredService<IImageProviderCatalog>();
        Assert.That(catalog.DefaultProvider, Is.EqualTo("spare"));
        Assert.That(catalog.Find("main")!.ProviderType, Is.EqualTo("OpenAI"), "named by its routing key, typed by its metadata");
        Assert.That(catalog.Find("main")!.GetModel(null)!.Model, Is.EqualTo("gpt-image-1"));
        Assert.That(
            () => new ProviderRoutingImageGenerator(new Dictionary<string, IImageGenerator> { ["mute"] = new FakeImageGenerator() }),
            Throws.ArgumentException.With.Message.Contains("'mute' does not describe itself"));
    }

    [Test]
    public void A_pinned_generator_answers_the_metadata_of_its_provider()
    {
        FakeImageGenerator alpha = new("alpha") { Metadata = new ImageGeneratorMetadata("alpha", "Local", "m", []) };
        FakeImageGenerator beta = new("beta") { Metadata = new ImageGeneratorMetadata("beta", "Local", "m", []) };
        ProviderRoutingImageGenerator router = new(Catalog, new Dictionary<string, IImageGenerator>(StringComparer.OrdinalIgnoreCase) { ["alpha"] = alpha, ["beta"] = beta, ["gamma"] = beta });

        Assert.That(new PinnedProviderImageGenerator(router, "beta").GetService<ImageGeneratorMetadata>(), Is.SameAs(beta.Metadata));
        Assert.That(new PinnedProviderImageGenerator(router, "beta").GetService<IImageProviderCatalog>(), Is.SameAs(Catalog));
    }
}
