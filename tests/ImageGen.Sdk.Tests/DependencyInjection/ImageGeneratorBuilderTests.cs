using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Tests.DependencyInjection;

public class ImageGeneratorBuilderTests
{
    [Test]
    public async Task First_Use_is_the_outermost_layer()
    {
        List<string> order = [];
        FakeImageGenerator inner = new();
        IImageGenerator generator = new ImageGeneratorBuilder(inner)
            .Use(next => new NamedLayer(next, order, "outer"))
            .Use(next => new NamedLayer(next, order, "inner"))
            .Build();

        await generator.GenerateAsync(new ImageGenerationRequest("x"));

        Assert.That(order, Is.EqualTo(new[] { "outer", "inner" }));
        Assert.That(inner.CallCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Layers_and_the_inner_factory_receive_the_services_given_to_Build()
    {
        List<string> order = [];
        ServiceProvider services = new ServiceCollection().AddSingleton(order).AddSingleton(new FakeImageGenerator("from-services")).BuildServiceProvider();
        IImageGenerator generator = new ImageGeneratorBuilder(sp => sp.GetRequiredService<FakeImageGenerator>())
            .Use((next, sp) => new NamedLayer(next, sp.GetRequiredService<List<string>>(), "with-services"))
            .Build(services);

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("x"));

        Assert.That(order, Is.EqualTo(new[] { "with-services" }));
        Assert.That(result.Provider, Is.EqualTo("from-services"));
    }

    [Test]
    public void Build_without_services_gives_layers_an_empty_provider()
    {
        object? seen = "not called";
        new ImageGeneratorBuilder(new FakeImageGenerator())
            .Use((next, sp) =>
            {
                seen = sp.GetService(typeof(IImageProviderCatalog));
                return next;
            })
            .Build();

        Assert.That(seen, Is.Null);
    }

    [Test]
    public void A_layer_returning_null_fails_the_build()
    {
        ImageGeneratorBuilder builder = new ImageGeneratorBuilder(new FakeImageGenerator()).Use(_ => null!);

        Assert.That(() => builder.Build(), Throws.InvalidOperationException.With.Message.Contains("index 0"));
    }

    [Test]
    public void Null_arguments_are_refused()
    {
        Assert.That(() => new ImageGeneratorBuilder((IImageGenerator)null!), Throws.ArgumentNullException);
        Assert.That(() => new ImageGeneratorBuilder(new FakeImageGenerator()).Use((Func<IImageGenerator, IImageGenerator>)null!), Throws.ArgumentNullException);
    }

    private sealed class NamedLayer(IImageGenerator inner, List<string> order, string name) : DelegatingImageGenerator(inner)
    {
        public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            order.Add(name);
            return base.GenerateAsync(request, cancellationToken);
        }
    }
}
