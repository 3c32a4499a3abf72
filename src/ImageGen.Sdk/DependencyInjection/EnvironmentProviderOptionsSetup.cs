using ImageGen.Sdk.Providers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.DependencyInjection;

/// <summary>
/// Adds providers from well-known environment variables when none is configured (each registered provider type reads
/// its own, <see cref="IImageProviderFactory.FromEnvironment"/>, in registration order; the first one added is the
/// default), and failing those, in Development only (or with <see cref="ImageGenerationOptions.UseLocalWhenUnconfigured"/>),
/// the offline <c>Local</c> provider. Outside Development nothing is added and start-up validation fails with a
/// message naming the variables and the explicit opt-in.
/// </summary>
internal sealed partial class EnvironmentProviderOptionsSetup : IPostConfigureOptions<ImageGenerationOptions>
{
    private readonly Func<string, string?> _getVariable;
    private readonly IImageProviderFactory[] _factories;
    private readonly ILogger _logger;
    private readonly string? _environmentName;
    private int _warnedLocalFallback;

    public EnvironmentProviderOptionsSetup(IEnumerable<IImageProviderFactory> factories, ILogger<EnvironmentProviderOptionsSetup> logger, IServiceProvider services)
        : this(Environment.GetEnvironmentVariable, factories, logger, (services.GetService(typeof(IHostEnvironment)) as IHostEnvironment)?.EnvironmentName)
    {
    }

    /// <param name="getVariable">Reads an environment variable.</param>
    /// <param name="factories">The registered provider types, in registration order.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="environmentName">The host's environment name; when <see langword="null"/> it is read from
    /// <c>DOTNET_ENVIRONMENT</c> or <c>ASPNETCORE_ENVIRONMENT</c>, and without either the app is Production.</param>
    internal EnvironmentProviderOptionsSetup(Func<string, string?> getVariable, IEnumerable<IImageProviderFactory> factories, ILogger? logger = null, string? environmentName = null)
    {
        _getVariable = getVariable;
        _factories = [.. factories];
        _logger = logger ?? NullLogger.Instance;
        _environmentName = environmentName;
    }

    internal const string LocalFallbackName = "local";

    public void PostConfigure(string? name, ImageGenerationOptions options)
    {
        if (options.Providers.Count > 0)
        {
            return;
        }

        if (options.UseEnvironmentVariables)
        {
            AddFromEnvironment(options);
        }

        if (options.Providers.Count == 0 && (options.UseLocalWhenUnconfigured ?? IsDevelopment()))
        {
            options.Providers[LocalFallbackName] = new ImageProviderOptions { Type = ImageProviderTypes.Local };
            options.DefaultProvider ??= LocalFallbackName;

            // Options are validated at start-up (ValidateOnStart), so this warning appears when the app boots. The
            // options are built more than once (IOptionsMonitor for start-up validation, IOptions for the stack), so
            // warn only the first time.
            if (Interlocked.Exchange(ref _warnedLocalFallback, 1) == 0)
            {
                if (options.UseEnvironmentVariables)
                {
                    LogLocalFallback(_logger, EnvironmentVariableList(_factories));
                }
                else
                {
                    // The variables were not read, so whether they are set says nothing: name the switch instead.
                    LogLocalFallbackWithoutEnvironment(_logger);
                }
            }
        }
    }

    /// <summary>The first variable of each provider type that reads the environment, for messages.</summary>
    internal static string EnvironmentVariableList(IEnumerable<IImageProviderFactory> factories)
        => string.Join(", ", factories.Where(f => f.EnvironmentVariables.Count > 0).Select(f => f.EnvironmentVariables[0]));

    private bool IsDevelopment()
    {
        string? environment = _environmentName ?? Get("DOTNET_ENVIRONMENT") ?? Get("ASPNETCORE_ENVIRONMENT");
        return string.Equals(environment, Environments.Development, StringComparison.OrdinalIgnoreCase);
    }

    private void AddFromEnvironment(ImageGenerationOptions options)
    {
        foreach (IImageProviderFactory factory in _factories)
        {
            if (factory.FromEnvironment(Get) is { } provider && !options.Providers.ContainsKey(factory.EnvironmentProviderName))
            {
                provider.Type ??= factory.ProviderType;
                options.Providers[factory.EnvironmentProviderName] = provider;

                // Registration order, not the alphabetical order configuration would give: OpenAI comes first.
                options.DefaultProvider ??= factory.EnvironmentProviderName;
            }
        }
    }

    private string? Get(string variable) => _getVariable(variable) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "No image provider is configured (no ImageGeneration:Providers section and none of {Variables} in the environment): using the offline Local provider, which draws placeholder images")]
    private static partial void LogLocalFallback(ILogger logger, string variables);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "No image provider is configured (no ImageGeneration:Providers section; environment variables are not read because ImageGeneration:UseEnvironmentVariables is false): using the offline Local provider, which draws placeholder images")]
    private static partial void LogLocalFallbackWithoutEnvironment(ILogger logger);
}
