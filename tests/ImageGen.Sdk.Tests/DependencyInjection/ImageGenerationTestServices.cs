using ImageGen.Sdk.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Tests.DependencyInjection;

/// <summary>Helpers that make DI tests independent of the machine's environment variables.</summary>
public static class ImageGenerationTestServices
{
    /// <summary>Replaces the environment-variable provider setup with one that reads <paramref name="variables"/>.</summary>
    /// <param name="services">The services.</param>
    /// <param name="variables">The environment variables the setup sees; none when <see langword="null"/>.</param>
    /// <param name="environmentName">The host environment; when <see langword="null"/> the setup reads
    /// <c>DOTNET_ENVIRONMENT</c> from <paramref name="variables"/>, and without it the app is Production.</param>
    public static IServiceCollection UseFakeEnvironment(this IServiceCollection services, IReadOnlyDictionary<string, string?>? variables = null, string? environmentName = null)
    {
        variables ??= new Dictionary<string, string?>();
        ServiceDescriptor[] real = services
            .Where(d => d.ServiceType == typeof(IPostConfigureOptions<ImageGenerationOptions>) && d.ImplementationType == typeof(EnvironmentProviderOptionsSetup))
            .ToArray();
        Assert.That(real, Has.Length.EqualTo(1), "AddImageGeneration should register the environment setup once");
        services.Remove(real[0]);
        services.AddSingleton<IPostConfigureOptions<ImageGenerationOptions>>(sp => new EnvironmentProviderOptionsSetup(
            name => variables.TryGetValue(name, out string? value) ? value : null,
            sp.GetServices<ImageGen.Sdk.Providers.IImageProviderFactory>(),
            sp.GetRequiredService<ILogger<EnvironmentProviderOptionsSetup>>(),
            environmentName));
        return services;
    }

    public static IConfigurationRoot Configuration(params (string Key, string? Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    /// <summary>Runs start-up validation the way a host's <c>StartAsync</c> does.</summary>
    public static void ValidateOnStart(this IServiceProvider services)
        => services.GetRequiredService<IStartupValidator>().Validate();
}
