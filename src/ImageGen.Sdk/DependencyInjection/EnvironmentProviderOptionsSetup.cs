using ImageGen.Sdk.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.DependencyInjection;

/// <summary>
/// Adds providers from well-known environment variables when none is configured (each registered provider type reads
/// its own, <see cref="IImageProviderFactory.FromEnvironment"/>, in registration order), and failing those the offline
/// <c>Local</c> provider, so <c>AddImageGeneration()</c> works with zero configuration.
/// </summary>
internal sealed partial class EnvironmentProviderOptionsSetup : IPostConfigureOptions<ImageGenerationOptions>
{
    private readonly Func<string, string?> _getVariable;
    private readonly IImageProviderFactory[] _factories;
    private readonly ILogger _logger;
    private int _warnedLocalFallback;

    public EnvironmentProviderOptionsSetup(IEnumerable<IImageProviderFactory> factories, ILogger<EnvironmentProviderOptionsSetup> logger)
        : this(Environment.GetEnvironmentVariable, factories, logger)
    {
    }

    internal EnvironmentProviderOptionsSetup(Func<string, string?> getVariable, IEnumerable<IImageProviderFactory> factories, ILogger? logger = null)
    {
        _getVariable = getVariable;
        _factories = [.. factories];
        _logger = logger ?? NullLogger.Instance;
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

        if (options.Providers.Count == 0)
        {
            options.Providers[LocalFallbackName] = new ImageProviderOptions { Type = ImageProviderTypes.Local };
            options.DefaultProvider ??= LocalFallbackName;
            options.UsedLocalFallback = true;

            // Options are validated at start-up (ValidateOnStart), so this warning appears when the app boots. The
            // options are built more than once (IOptionsMonitor for start-up validation, IOptions for the stack), so
            // warn only the first time.
            if (Interlocked.Exchange(ref _warnedLocalFallback, 1) == 0)
            {
                if (options.UseEnvironmentVariables)
                {
                    LogLocalFallback(_logger, string.Join(", ", _factories.Where(f => f.EnvironmentVariables.Count > 0).Select(f => f.EnvironmentVariables[0])));
                }
                else
                {
                    // The variables were not read, so whether they are set says nothing: name the switch instead.
                    LogLocalFallbackWithoutEnvironment(_logger);
                }
            }
        }
    }

    private void AddFromEnvironment(ImageGenerationOptions options)
    {
        foreach (IImageProviderFactory factory in _factories)
        {
            if (factory.FromEnvironment(Get) is { } provider && !options.Providers.ContainsKey(factory.EnvironmentProviderName))
            {
                provider.Type ??= factory.ProviderType;
                options.Providers[factory.EnvironmentProviderName] = provider;
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
