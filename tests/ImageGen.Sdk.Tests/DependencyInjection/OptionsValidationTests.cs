using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Tests.DependencyInjection;

public class OptionsValidationTests
{
    [Test]
    public void Unknown_type_names_the_Type_key_and_lists_known_types()
    {
        OptionsValidationException ex = FailStartup(("ImageGeneration:Providers:x:Type", "Nope"));

        Assert.That(ex.Message, Does.Contain("ImageGeneration:Providers:x:Type").And.Contain("'Nope'").And.Contain("Local").And.Contain(KeyRequiringProviderFactory.TypeName));
    }

    [Test]
    public void Missing_type_names_the_Type_key()
    {
        OptionsValidationException ex = FailStartup(("ImageGeneration:Providers:x:DefaultModel", "some-model"));

        Assert.That(ex.Message, Does.Contain("ImageGeneration:Providers:x:Type is required"));
    }

    [Test]
    public void Missing_api_key_for_a_type_that_needs_one_names_the_ApiKey_key()
    {
        OptionsValidationException ex = FailStartup(("ImageGeneration:Providers:x:Type", KeyRequiringProviderFactory.TypeName));

        Assert.That(ex.Message, Does.Contain("ImageGeneration:Providers:x:ApiKey"));
    }

    [Test]
    public void Blank_api_keys_do_not_count_as_keys()
    {
        OptionsValidationException ex = FailStartup(
            ("ImageGeneration:Providers:x:Type", KeyRequiringProviderFactory.TypeName),
            ("ImageGeneration:Providers:x:ApiKey", "  "),
            ("ImageGeneration:Providers:x:ApiKeys:0", ""));

        Assert.That(ex.Message, Does.Contain("ImageGeneration:Providers:x:ApiKey"));
    }

    [Test]
    public void Local_needs_no_api_key()
    {
        using ServiceProvider provider = Build(("ImageGeneration:Providers:x:Type", "Local"));

        Assert.That(provider.ValidateOnStart, Throws.Nothing);
    }

    [TestCase("not a url")]
    [TestCase("ftp://example.com/v1")]
    [TestCase("/relative/v1")]
    public void Bad_base_url_names_the_BaseUrl_key_and_never_the_api_key(string baseUrl)
    {
        OptionsValidationException ex = FailStartup(
            ("ImageGeneration:Providers:x:Type", KeyRequiringProviderFactory.TypeName),
            ("ImageGeneration:Providers:x:ApiKey", "sk-secret-value-1234"),
            ("ImageGeneration:Providers:x:BaseUrl", baseUrl));

        Assert.That(ex.Message, Does.Contain("ImageGeneration:Providers:x:BaseUrl"));
        Assert.That(ex.Message, Does.Not.Contain("sk-secret"));
    }

    [Test]
    public void Default_provider_that_is_not_configured_names_the_DefaultProvider_key()
    {
        OptionsValidationException ex = FailStartup(
            ("ImageGeneration:DefaultProvider", "missing"),
            ("ImageGeneration:Providers:x:Type", "Local"));

        Assert.That(ex.Message, Does.Contain("ImageGeneration:DefaultProvider").And.Contain("'missing'").And.Contain("Configured: x"));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("4294967296")]
    public void MaxDownloadBytes_outside_one_array_names_the_key(string value)
    {
        OptionsValidationException ex = FailStartup(
            ("ImageGeneration:MaxDownloadBytes", value),
            ("ImageGeneration:Providers:x:Type", "Local"));

        Assert.That(ex.Message, Does.Contain("ImageGeneration:MaxDownloadBytes"));
    }

    [TestCase("0")]
    [TestCase("-1")]
    [TestCase("4294967296")]
    public void MaxResponseBytes_outside_one_array_names_the_key(string value)
    {
        OptionsValidationException ex = FailStartup(
            ("ImageGeneration:MaxResponseBytes", value),
            ("ImageGeneration:Providers:x:Type", "Local"));

        Assert.That(ex.Message, Does.Contain("ImageGeneration:MaxResponseBytes"));
    }

    [Test]
    public void Factory_validation_errors_are_reported()
    {
        OptionsValidationException ex = FailStartup(
            ("ImageGeneration:Providers:x:Type", KeyRequiringProviderFactory.TypeName),
            ("ImageGeneration:Providers:x:ApiKey", "k"),
            ("ImageGeneration:Providers:x:Deployment", "invalid"));

        Assert.That(ex.Message, Does.Contain("ImageGeneration:Providers:x:Deployment"));
    }

    [Test]
    public void Every_problem_is_reported_at_once()
    {
        OptionsValidationException ex = FailStartup(
            ("ImageGeneration:MaxDownloadBytes", "0"),
            ("ImageGeneration:Providers:a:Type", "Nope"),
            ("ImageGeneration:Providers:b:Type", KeyRequiringProviderFactory.TypeName));

        Assert.That(ex.Failures.Count(), Is.EqualTo(3));
    }

    [Test]
    public void Resolving_the_generator_without_start_up_validation_fails_the_same_way()
    {
        using ServiceProvider provider = Build(("ImageGeneration:Providers:x:Type", "Nope"));

        Assert.That(() => provider.GetRequiredService<IImageGenerator>(),
            Throws.InstanceOf<OptionsValidationException>().With.Message.Contains("ImageGeneration:Providers:x:Type"));
    }

    private static OptionsValidationException FailStartup(params (string Key, string? Value)[] values)
    {
        using ServiceProvider provider = Build(values);
        OptionsValidationException? ex = Assert.Throws<OptionsValidationException>(provider.ValidateOnStart);
        return ex!;
    }

    private static ServiceProvider Build(params (string Key, string? Value)[] values)
    {
        IConfigurationRoot configuration = ImageGenerationTestServices.Configuration(values);
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddImageGeneration().AddProviderFactory<KeyRequiringProviderFactory>();
        services.UseFakeEnvironment();
        return services.BuildServiceProvider();
    }
}
