using ImageGen.Sdk.DependencyInjection;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.AzureOpenAI;
using ImageGen.Sdk.Providers.Local;
using ImageGen.Sdk.Providers.OpenAI;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Tests.DependencyInjection;

public class EnvironmentProviderOptionsSetupTests
{
    [Test]
    public void OPENAI_API_KEY_adds_an_OpenAI_provider_with_the_optional_base_url()
    {
        ImageGenerationOptions options = Run(new() { ["OPENAI_API_KEY"] = "sk-env", ["OPENAI_BASE_URL"] = "http://127.0.0.1:4000/v1" });

        ImageProviderOptions openai = options.Providers["openai"];
        Assert.That((openai.Type, openai.ApiKey, openai.BaseUrl), Is.EqualTo((ImageProviderTypes.OpenAI, "sk-env", "http://127.0.0.1:4000/v1")));
        Assert.That(options.Providers.Keys, Is.EqualTo(new[] { "openai" }));
        Assert.That(options.DefaultProvider, Is.EqualTo("openai"));
    }

    [Test]
    public void OPENAI_API_KEY_without_base_url_leaves_the_default_endpoint()
    {
        ImageGenerationOptions options = Run(new() { ["OPENAI_API_KEY"] = " sk-env " });

        Assert.That(options.Providers["openai"].ApiKey, Is.EqualTo("sk-env"));
        Assert.That(options.Providers["openai"].BaseUrl, Is.Null);
    }

    [Test]
    public void Azure_key_and_endpoint_add_an_AzureOpenAI_provider()
    {
        ImageGenerationOptions options = Run(new()
        {
            ["AZURE_OPENAI_API_KEY"] = "az-key",
            ["AZURE_OPENAI_ENDPOINT"] = "https://res.openai.azure.com",
            ["AZURE_OPENAI_DEPLOYMENT"] = "gpt-image-1",
            ["AZURE_OPENAI_API_VERSION"] = "2025-04-01-preview",
        });

        ImageProviderOptions azure = options.Providers["azure"];
        Assert.Multiple(() =>
        {
            Assert.That(azure.Type, Is.EqualTo(ImageProviderTypes.AzureOpenAI));
            Assert.That(azure.ApiKey, Is.EqualTo("az-key"));
            Assert.That(azure.BaseUrl, Is.EqualTo("https://res.openai.azure.com"));
            Assert.That(azure.Deployment, Is.EqualTo("gpt-image-1"));
            Assert.That(azure.ApiVersion, Is.EqualTo("2025-04-01-preview"));
        });
    }

    [Test]
    public void Azure_key_without_endpoint_is_not_enough()
    {
        ImageGenerationOptions options = Run(new() { ["AZURE_OPENAI_API_KEY"] = "az-key" }, "Development");

        Assert.That(options.Providers.Keys, Is.EqualTo(new[] { "local" }));
    }

    [Test]
    public void Both_sets_of_variables_add_both_providers()
    {
        ImageGenerationOptions options = Run(new()
        {
            ["OPENAI_API_KEY"] = "sk-env",
            ["AZURE_OPENAI_API_KEY"] = "az-key",
            ["AZURE_OPENAI_ENDPOINT"] = "https://res.openai.azure.com",
        });

        Assert.That(options.Providers.Keys, Is.EquivalentTo(new[] { "openai", "azure" }));
        Assert.That(options.DefaultProvider, Is.EqualTo("openai"), "registration order, not the alphabetical order that would pick azure");
    }

    [Test]
    public void In_Development_no_variables_fall_back_to_Local_as_default_with_one_warning()
    {
        CapturingLoggerProvider logs = new();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(logs));
        EnvironmentProviderOptionsSetup setup = new(_ => "   ", BuiltInFactories, factory.CreateLogger("test"), "Development");
        ImageGenerationOptions first = new();
        ImageGenerationOptions second = new();

        setup.PostConfigure(null, first);
        setup.PostConfigure(null, second);

        Assert.That(first.Providers["local"].Type, Is.EqualTo(ImageProviderTypes.Local));
        Assert.That(first.DefaultProvider, Is.EqualTo("local"));
        Assert.That(second.Providers.Keys, Is.EqualTo(new[] { "local" }));
        Assert.That(logs.Entries.Count(e => e.Level == LogLevel.Warning), Is.EqualTo(1));
    }

    [Test]
    public void Configured_providers_win_over_variables()
    {
        ImageGenerationOptions options = new();
        options.Providers["mine"] = new ImageProviderOptions { Type = "Local" };

        new EnvironmentProviderOptionsSetup(_ => "sk-env", BuiltInFactories).PostConfigure(null, options);

        Assert.That(options.Providers.Keys, Is.EqualTo(new[] { "mine" }));
        Assert.That(options.DefaultProvider, Is.Null);
    }

    [Test]
    public void UseEnvironmentVariables_false_ignores_variables()
    {
        ImageGenerationOptions options = new() { UseEnvironmentVariables = false };

        new EnvironmentProviderOptionsSetup(_ => "sk-env", BuiltInFactories, environmentName: "Development").PostConfigure(null, options);

        Assert.That(options.Providers.Keys, Is.EqualTo(new[] { "local" }));
    }

    [Test]
    public void With_environment_variables_off_the_warning_names_the_switch_not_a_missing_variable()
    {
        CapturingLoggerProvider logs = new();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(logs));
        ImageGenerationOptions options = new() { UseEnvironmentVariables = false };

        new EnvironmentProviderOptionsSetup(_ => "sk-env", BuiltInFactories, factory.CreateLogger("test"), "Development").PostConfigure(null, options);

        string warning = logs.Entries.Single().Message;
        Assert.That(warning, Does.Contain("UseEnvironmentVariables is false"));
        Assert.That(warning, Does.Not.Contain("OPENAI_API_KEY"), "the variable is set; it was just not read");
    }

    [Test]
    public void The_key_never_reaches_the_log()
    {
        CapturingLoggerProvider logs = new();
        using ILoggerFactory factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        Dictionary<string, string?> variables = new() { ["OPENAI_API_KEY"] = "sk-very-secret" };

        new EnvironmentProviderOptionsSetup(n => variables.GetValueOrDefault(n), BuiltInFactories, factory.CreateLogger("test")).PostConfigure(null, new ImageGenerationOptions());

        Assert.That(logs.Entries.Select(e => e.Message), Has.None.Contain("sk-very-secret"));
    }

    private static readonly IImageProviderFactory[] BuiltInFactories =
        [new OpenAIImageProviderFactory(), new AzureOpenAIImageProviderFactory(), new LocalImageProviderFactory()];

    private static ImageGenerationOptions Run(Dictionary<string, string?> variables, string? environmentName = null)
    {
        ImageGenerationOptions options = new();
        new EnvironmentProviderOptionsSetup(name => variables.GetValueOrDefault(name), BuiltInFactories, environmentName: environmentName).PostConfigure(null, options);
        return options;
    }

    [TestCase(null)]
    [TestCase("Production")]
    [TestCase("Staging")]
    public void Outside_Development_no_variables_add_no_placeholder_provider(string? environmentName)
    {
        ImageGenerationOptions options = Run([], environmentName);

        Assert.That(options.Providers, Is.Empty, "an app without a host environment runs as Production");
    }

    [TestCase("DOTNET_ENVIRONMENT")]
    [TestCase("ASPNETCORE_ENVIRONMENT")]
    public void Without_a_host_environment_the_environment_variables_name_Development(string variable)
    {
        ImageGenerationOptions options = Run(new() { [variable] = "Development" });

        Assert.That(options.Providers.Keys, Is.EqualTo(new[] { "local" }));
    }

    [Test]
    public void The_host_environment_wins_over_DOTNET_ENVIRONMENT()
    {
        ImageGenerationOptions options = Run(new() { ["DOTNET_ENVIRONMENT"] = "Development" }, "Production");

        Assert.That(options.Providers, Is.Empty);
    }

    [TestCase("Production", true, true)]
    [TestCase("Development", false, false)]
    public void UseLocalWhenUnconfigured_overrides_the_environment_rule(string environmentName, bool useLocal, bool expectLocal)
    {
        ImageGenerationOptions options = new() { UseLocalWhenUnconfigured = useLocal };

        new EnvironmentProviderOptionsSetup(_ => null, BuiltInFactories, environmentName: environmentName).PostConfigure(null, options);

        Assert.That(options.Providers.ContainsKey("local"), Is.EqualTo(expectLocal));
    }

    [Test]
    public void UseLocalWhenUnconfigured_never_hides_a_key_in_the_environment()
    {
        ImageGenerationOptions options = new() { UseLocalWhenUnconfigured = true };
        Dictionary<string, string?> variables = new() { ["OPENAI_API_KEY"] = "sk-env" };

        new EnvironmentProviderOptionsSetup(n => variables.GetValueOrDefault(n), BuiltInFactories).PostConfigure(null, options);

        Assert.That(options.Providers.Keys, Is.EqualTo(new[] { "openai" }));
    }

    [Test]
    public void A_registered_provider_type_reads_its_own_variables_after_the_built_in_ones()
    {
        Dictionary<string, string?> variables = new() { ["OPENAI_API_KEY"] = "sk-env", ["ACME_KEY"] = "acme-env" };
        ImageGenerationOptions options = new();

        new EnvironmentProviderOptionsSetup(n => variables.GetValueOrDefault(n), [.. BuiltInFactories, new EnvironmentFactory()]).PostConfigure(null, options);

        Assert.That(options.Providers.Keys, Is.EqualTo(new[] { "openai", "acme" }), "registration order");
        Assert.That((options.Providers["acme"].Type, options.Providers["acme"].ApiKey), Is.EqualTo(("Acme", "acme-env")), "Type filled in from the factory");
    }

    private sealed class EnvironmentFactory : IImageProviderFactory
    {
        public string ProviderType => "Acme";

        public bool RequiresApiKey => true;

        public IReadOnlyList<string> EnvironmentVariables => ["ACME_KEY"];

        public ImageProviderOptions? FromEnvironment(Func<string, string?> getVariable)
            => getVariable("ACME_KEY") is { } key ? new ImageProviderOptions { ApiKey = key } : null;

        public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
        {
        }

        public ImageProviderDescriptor Describe(string name, ImageProviderOptions options) => new(name, ProviderType, "acme-1");

        public IImageGenerator Create(ImageProviderContext context) => throw new NotSupportedException();
    }
}
