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
}
