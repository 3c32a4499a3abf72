using ImageGen.Sdk.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Tests.DependencyInjection;

public class AddImageGenerationTests
{
    private static readonly ImageSize Tiny = new(16, 16);

    [Test]
    public async Task Parameterless_overload_binds_the_ImageGeneration_section_of_the_registered_configuration()
    {
        IConfigurationRoot configuration = ImageGenerationTestServices.Configuration(
            ("ImageGeneration:Providers:offline:Type", "Local"),
            ("ImageGeneration:Providers:offline:DefaultModel", "from-config"));
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddImageGeneration();
        services.UseFakeEnvironment();
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.ValidateOnStart();

        ImageGenerationResult result = await provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x") { Size = Tiny });

        Assert.That((result.Provider, result.Model), Is.EqualTo(("offline", "from-config")));
    }

    [Test]
    public async Task Section_overload_binds_the_given_section()
    {
        IConfigurationRoot configuration = ImageGenerationTestServices.Configuration(
            ("Images:Providers:fromsection:Type", "Local"),
            ("Images:Providers:fromsection:DefaultModel", "section-model"));
        ServiceCollection services = new();
        services.AddImageGeneration(configuration.GetSection("Images"));
        services.UseFakeEnvironment();
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.ValidateOnStart();

        ImageGenerationResult result = await provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x") { Size = Tiny });

        Assert.That((result.Provider, result.Model), Is.EqualTo(("fromsection", "section-model")));
    }

    [Test]
    public async Task Action_overload_configures_in_code()
    {
        ServiceCollection services = new();
        services.AddImageGeneration(o => o.Providers["coded"] = new ImageProviderOptions { Type = ImageProviderTypes.Local, DefaultModel = "code-model" });
        services.UseFakeEnvironment();
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.ValidateOnStart();

        ImageGenerationResult result = await provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x") { Size = Tiny });

        Assert.That((result.Provider, result.Model), Is.EqualTo(("coded", "code-model")));
    }

    [Test]
    public void A_second_call_adds_configuration_to_the_same_stack()
    {
        ServiceCollection services = new();
        ImageGenerationBuilder first = services.AddImageGeneration(o =>
        {
            o.DefaultProvider = "a";
            o.Providers["a"] = new ImageProviderOptions { Type = "Local" };
        });
        ImageGenerationBuilder second = services.AddImageGeneration(o => o.Providers["b"] = new ImageProviderOptions { Type = "Local" });
        services.UseFakeEnvironment();
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.That(second, Is.SameAs(first));
        Assert.That(provider.GetRequiredService<IImageProviderCatalog>().Providers.Select(p => p.Name), Is.EquivalentTo(new[] { "a", "b" }));
    }

    [Test]
    public void Every_documented_configuration_key_binds()
    {
        IConfigurationRoot configuration = ImageGenerationTestServices.Configuration(
            ("ImageGeneration:DefaultProvider", "gateway"),
            ("ImageGeneration:UseEnvironmentVariables", "false"),
            ("ImageGeneration:MaxDownloadBytes", "1048576"),
            ("ImageGeneration:MaxResponseBytes", "2097152"),
            ("ImageGeneration:Providers:offline:Type", "Local"),
            ("ImageGeneration:Providers:gateway:Type", KeyRequiringProviderFactory.TypeName),
            ("ImageGeneration:Providers:gateway:ApiKey", "key-zero"),
            ("ImageGeneration:Providers:gateway:ApiKeys:0", "key-one"),
            ("ImageGeneration:Providers:gateway:ApiKeys:1", "key-two"),
            ("ImageGeneration:Providers:gateway:ApiKeys:2", "key-zero"),
            ("ImageGeneration:Providers:gateway:BaseUrl", "http://127.0.0.1:4000/v1"),
            ("ImageGeneration:Providers:gateway:DefaultModel", "gateway-model"),
            ("ImageGeneration:Providers:gateway:Deployment", "my-deployment"),
            ("ImageGeneration:Providers:gateway:ApiVersion", "2025-04-01-preview"),
            ("ImageGeneration:Providers:gateway:Organization", "org-1"),
            ("ImageGeneration:Providers:gateway:Project", "proj-1"));
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddImageGeneration().AddProviderFactory<KeyRequiringProviderFactory>();
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.ValidateOnStart();

        ImageGenerationOptions options = provider.GetRequiredService<IOptions<ImageGenerationOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.DefaultProvider, Is.EqualTo("gateway"));
            Assert.That(options.UseEnvironmentVariables, Is.False);
            Assert.That(options.MaxDownloadBytes, Is.EqualTo(1048576));
            Assert.That(options.MaxResponseBytes, Is.EqualTo(2097152));
            Assert.That(options.Providers.Keys, Is.EquivalentTo(new[] { "offline", "gateway" }));
            Assert.That(options.Providers.ContainsKey("GATEWAY"), Is.True, "provider names ignore case after binding");
            ImageProviderOptions gateway = options.Providers["gateway"];
            Assert.That(gateway.Type, Is.EqualTo(KeyRequiringProviderFactory.TypeName));
            Assert.That(gateway.ApiKey, Is.EqualTo("key-zero"));
            Assert.That(gateway.ApiKeys, Is.EqualTo(new[] { "key-one", "key-two", "key-zero" }));
            Assert.That(gateway.GetAllApiKeys(), Is.EqualTo(new[] { "key-zero", "key-one", "key-two" }));
            Assert.That(gateway.BaseUrl, Is.EqualTo("http://127.0.0.1:4000/v1"));
            Assert.That(gateway.DefaultModel, Is.EqualTo("gateway-model"));
            Assert.That(gateway.Deployment, Is.EqualTo("my-deployment"));
            Assert.That(gateway.ApiVersion, Is.EqualTo("2025-04-01-preview"));
            Assert.That(gateway.Organization, Is.EqualTo("org-1"));
            Assert.That(gateway.Project, Is.EqualTo("proj-1"));
            Assert.That(options.Providers["offline"].Type, Is.EqualTo("Local"));
        });
    }

    [Test]
    public void ApiKeys_list_alone_satisfies_a_provider_that_needs_a_key_and_each_key_gets_its_own_client_in_order()
    {
        IConfigurationRoot configuration = ImageGenerationTestServices.Configuration(
            ("ImageGeneration:Providers:listonly:Type", KeyRequiringProviderFactory.TypeName),
            ("ImageGeneration:Providers:listonly:ApiKeys:0", "first-key"),
            ("ImageGeneration:Providers:listonly:ApiKeys:1", "second-key"));
        ServiceCollection services = new();
        services.AddImageGeneration(configuration.GetSection("ImageGeneration")).AddProviderFactory<KeyRequiringProviderFactory>();
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.ValidateOnStart();

        _ = provider.GetRequiredService<IImageGenerator>();

        Assert.That(KeyRequiringProviderFactory.Created["listonly"].Select(c => c.ApiKey), Is.EqualTo(new[] { "first-key", "second-key" }));
    }

    [Test]
    public async Task In_Development_with_no_provider_and_no_environment_variables_Local_is_the_default_and_a_warning_is_logged_once()
    {
        CapturingLoggerProvider logs = new();
        ServiceCollection services = new();
        services.AddLogging(b => b.AddProvider(logs));
        services.AddImageGeneration();
        services.UseFakeEnvironment(environmentName: "Development");
        using ServiceProvider provider = services.BuildServiceProvider();

        provider.ValidateOnStart();
        ImageGenerationResult result = await provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x") { Size = Tiny });

        Assert.That(provider.GetRequiredService<IImageProviderCatalog>().DefaultProvider, Is.EqualTo("local"));
        Assert.That((result.Provider, result.Model), Is.EqualTo(("local", "local-png")));
        CapturingLoggerProvider.LogEntry[] warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning).ToArray();
        Assert.That(warnings, Has.Length.EqualTo(1), "the options are built twice (start-up validation and the stack) but the warning says it once");
        Assert.That(warnings[0].Category, Does.EndWith(nameof(EnvironmentProviderOptionsSetup)));
        Assert.That(warnings[0].Message, Does.Contain("Local provider").And.Contain("OPENAI_API_KEY"));
    }

    [Test]
    public void A_configured_provider_means_no_fallback_warning()
    {
        CapturingLoggerProvider logs = new();
        ServiceCollection services = new();
        services.AddLogging(b => b.AddProvider(logs));
        services.AddImageGeneration(o => o.Providers["mine"] = new ImageProviderOptions { Type = "Local" });
        services.UseFakeEnvironment(new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-ignored" });
        using ServiceProvider provider = services.BuildServiceProvider();
        provider.ValidateOnStart();

        Assert.That(provider.GetRequiredService<IImageProviderCatalog>().Providers.Select(p => p.Name), Is.EqualTo(new[] { "mine" }));
        Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning), Is.Empty);
    }

    [Test]
    public async Task Keyed_generator_pins_the_named_provider()
    {
        using ServiceProvider provider = TwoLocalProviders();

        IImageGenerator byDefault = provider.GetRequiredService<IImageGenerator>();
        IImageGenerator beta = provider.GetRequiredKeyedService<IImageGenerator>("beta");
        IImageGenerator betaOtherCase = provider.GetRequiredKeyedService<IImageGenerator>("BETA");

        ImageGenerationResult fromDefault = await byDefault.GenerateAsync(new ImageGenerationRequest("x") { Size = Tiny });
        ImageGenerationResult fromBeta = await beta.GenerateAsync(new ImageGenerationRequest("x") { Size = Tiny });
        ImageGenerationResult fromBetaOtherCase = await betaOtherCase.GenerateAsync(new ImageGenerationRequest("x") { Size = Tiny });
        ImageGenerationResult namingItself = await beta.GenerateAsync(new ImageGenerationRequest("x") { Size = Tiny, Provider = "Beta" });

        Assert.That((fromDefault.Provider, fromDefault.Model), Is.EqualTo(("alpha", "model-a")));
        Assert.That((fromBeta.Provider, fromBeta.Model), Is.EqualTo(("beta", "model-b")));
        Assert.That(fromBetaOtherCase.Provider, Is.EqualTo("beta"));
        Assert.That(namingItself.Provider, Is.EqualTo("beta"));
    }

    [Test]
    public void Keyed_generator_refuses_a_request_naming_another_provider()
    {
        using ServiceProvider provider = TwoLocalProviders();
        IImageGenerator beta = provider.GetRequiredKeyedService<IImageGenerator>("beta");

        ArgumentException? ex = Assert.ThrowsAsync<ArgumentException>(() => beta.GenerateAsync(new ImageGenerationRequest("x") { Size = Tiny, Provider = "alpha" }));

        Assert.That(ex!.ParamName, Is.EqualTo("request.Provider"));
        Assert.That(ex.Message, Does.Contain("'beta'").And.Contain("'alpha'"));
    }

    [Test]
    public async Task Keyed_generator_still_validates_requests()
    {
        using ServiceProvider provider = TwoLocalProviders();
        IImageGenerator beta = provider.GetRequiredKeyedService<IImageGenerator>("beta");

        ArgumentException? ex = Assert.ThrowsAsync<ArgumentException>(() => beta.GenerateAsync(new ImageGenerationRequest(" ")));

        Assert.That(ex!.ParamName, Is.EqualTo("request.Prompt"));
        ImageGenerationResult ok = await beta.GenerateAsync(new ImageGenerationRequest("fine") { Size = Tiny });
        Assert.That(ok.Provider, Is.EqualTo("beta"));
    }

    [Test]
    public void Unknown_key_fails_naming_the_key_and_the_configured_providers()
    {
        using ServiceProvider provider = TwoLocalProviders();

        InvalidOperationException? ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredKeyedService<IImageGenerator>("gamma"));

        Assert.That(ex!.Message, Does.Contain("'gamma'").And.Contain("alpha").And.Contain("beta"));
    }

    [Test]
    public void Non_string_key_fails_clearly()
    {
        using ServiceProvider provider = TwoLocalProviders();

        ArgumentException? ex = Assert.Throws<ArgumentException>(() => provider.GetRequiredKeyedService<IImageGenerator>(42));

        Assert.That(ex!.Message, Does.Contain("provider name"));
    }

    [Test]
    public void Request_naming_an_unknown_provider_is_an_argument_exception()
    {
        using ServiceProvider provider = TwoLocalProviders();

        ArgumentException? ex = Assert.ThrowsAsync<ArgumentException>(() => provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x") { Provider = "gamma" }));

        Assert.That(ex!.Message, Does.Contain("gamma").And.Contain("alpha, beta"));
    }

    [Test]
    public void Generators_and_catalog_are_singletons()
    {
        using ServiceProvider provider = TwoLocalProviders();

        Assert.That(provider.GetRequiredService<IImageGenerator>(), Is.SameAs(provider.GetRequiredService<IImageGenerator>()));
        Assert.That(provider.GetRequiredKeyedService<IImageGenerator>("beta"), Is.SameAs(provider.GetRequiredKeyedService<IImageGenerator>("beta")));
        Assert.That(provider.GetRequiredService<IImageProviderCatalog>(), Is.SameAs(provider.GetRequiredService<IImageProviderCatalog>()));
    }

    [Test]
    public async Task Custom_layer_sees_valid_calls_inside_validation()
    {
        List<ImageGenerationRequest> seen = [];
        ServiceCollection services = new();
        services.AddImageGeneration(o => o.Providers["local"] = new ImageProviderOptions { Type = "Local" })
            .Use(inner => new RecordingLayer(inner, seen));
        services.UseFakeEnvironment();
        using ServiceProvider provider = services.BuildServiceProvider();
        IImageGenerator generator = provider.GetRequiredService<IImageGenerator>();

        ImageGenerationResult result = await generator.GenerateAsync(new ImageGenerationRequest("seen") { Size = Tiny });
        Assert.ThrowsAsync<ArgumentException>(() => generator.GenerateAsync(new ImageGenerationRequest("not seen") { Count = 0 }));

        Assert.That(seen.Select(r => r.Prompt), Is.EqualTo(new[] { "seen" }), "validation runs before custom layers");
        Assert.That(result.Warnings, Does.Contain("recorded"));
    }

    [Test]
    public async Task Custom_layers_with_services_run_in_registration_order()
    {
        List<string> order = [];
        ServiceCollection services = new();
        services.AddSingleton(order);
        services.AddImageGeneration(o => o.Providers["local"] = new ImageProviderOptions { Type = "Local" })
            .Use((inner, sp) => new OrderLayer(inner, sp.GetRequiredService<List<string>>(), "first"))
            .Use((inner, sp) => new OrderLayer(inner, sp.GetRequiredService<List<string>>(), "second"));
        services.UseFakeEnvironment();
        using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<IImageGenerator>().GenerateAsync(new ImageGenerationRequest("x") { Size = Tiny });

        Assert.That(order, Is.EqualTo(new[] { "first", "second" }));
    }

    private static ServiceProvider TwoLocalProviders()
    {
        ServiceCollection services = new();
        services.AddImageGeneration(o =>
        {
            o.DefaultProvider = "alpha";
            o.Providers["alpha"] = new ImageProviderOptions { Type = "Local", DefaultModel = "model-a" };
            o.Providers["beta"] = new ImageProviderOptions { Type = "local", DefaultModel = "model-b" };
        });
        services.UseFakeEnvironment();
        ServiceProvider provider = services.BuildServiceProvider();
        provider.ValidateOnStart();
        return provider;
    }

    private sealed class RecordingLayer(IImageGenerator inner, List<ImageGenerationRequest> seen) : DelegatingImageGenerator(inner)
    {
        public override async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            seen.Add(request);
            ImageGenerationResult result = await base.GenerateAsync(request, cancellationToken);
            return new ImageGenerationResult(result) { Warnings = [.. result.Warnings, "recorded"] };
        }
    }

    private sealed class OrderLayer(IImageGenerator inner, List<string> order, string name) : DelegatingImageGenerator(inner)
    {
        public override Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        {
            order.Add(name);
            return base.GenerateAsync(request, cancellationToken);
        }
    }
}
