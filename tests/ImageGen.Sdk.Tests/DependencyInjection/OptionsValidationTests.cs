using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
            ("ImageGeneration:DefaultProvider", "a"),
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

    [Test]
    public void Several_providers_without_DefaultProvider_fail_naming_the_key()
    {
        OptionsValidationException ex = FailStartup(
            ("ImageGeneration:Providers:openai:Type", KeyRequiringProviderFactory.TypeName),
            ("ImageGeneration:Providers:openai:ApiKey", "sk-test"),
            ("ImageGeneration:Providers:local:Type", "Local"));

        Assert.That(ex.Message, Does.Contain("ImageGeneration:DefaultProvider is required").And.Contain("local").And.Contain("openai"));
    }

    [Test]
    public void Several_providers_with_DefaultProvider_start()
    {
        using ServiceProvider provider = Build(
            ("ImageGeneration:DefaultProvider", "openai"),
            ("ImageGeneration:Providers:openai:Type", KeyRequiringProviderFactory.TypeName),
            ("ImageGeneration:Providers:openai:ApiKey", "sk-test"),
            ("ImageGeneration:Providers:local:Type", "Local"));

        Assert.DoesNotThrow(provider.ValidateOnStart);
        Assert.That(provider.GetRequiredService<IImageProviderCatalog>().DefaultProvider, Is.EqualTo("openai"));
    }

    [Test]
    public void No_provider_outside_Development_fails_naming_the_variables_the_section_and_the_opt_in()
    {
        OptionsValidationException ex = FailStartup();

        Assert.That(ex.Message, Does.Contain("ImageGeneration:Providers").And.Contain("OPENAI_API_KEY")
            .And.Contain("ImageGeneration:Providers:local:Type = Local").And.Contain("UseLocalWhenUnconfigured"));
    }

    [Test]
    public void No_provider_with_environment_variables_off_names_the_switch()
    {
        OptionsValidationException ex = FailStartup(("ImageGeneration:UseEnvironmentVariables", "false"));

        Assert.That(ex.Message, Does.Contain("UseEnvironmentVariables is false"));
    }

    [Test]
    public void A_host_in_Development_gets_the_placeholder_provider()
    {
        IConfigurationRoot configuration = ImageGenerationTestServices.Configuration();
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new FakeHostEnvironment("Development"));
        services.AddImageGeneration();
        using ServiceProvider provider = services.BuildServiceProvider();
        SkipWhereAProviderKeyIsSet();

        Assert.DoesNotThrow(provider.ValidateOnStart);
        Assert.That(provider.GetRequiredService<IImageProviderCatalog>().DefaultProvider, Is.EqualTo("local"));
    }

    [Test]
    public void A_host_in_Production_fails_at_start_up_without_a_provider()
    {
        ServiceCollection services = new();
        services.AddSingleton<IConfiguration>(ImageGenerationTestServices.Configuration(("ImageGeneration:UseEnvironmentVariables", "false")));
        services.AddSingleton<IHostEnvironment>(new FakeHostEnvironment("Production"));
        services.AddImageGeneration();
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Throws<OptionsValidationException>(provider.ValidateOnStart);
    }

    // This test uses the real setup, which reads the process environment: a provider key there would configure that
    // provider instead, so the test runs only where none is set (CI sets none).
    private static void SkipWhereAProviderKeyIsSet()
    {
        if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } || Environment.GetEnvironmentVariable("AZURE_OPENAI_API_KEY") is { Length: > 0 })
        {
            Assert.Ignore("a provider key is set in this process's environment");
        }
    }

    private sealed class FakeHostEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
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
