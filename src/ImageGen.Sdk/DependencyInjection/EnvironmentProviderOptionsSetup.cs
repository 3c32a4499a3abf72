using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.DependencyInjection;

/// <summary>
/// Adds providers from well-known environment variables when none is configured, and failing those the offline
/// <c>Local</c> provider, so <c>AddImageGeneration()</c> works with zero configuration.
/// </summary>
internal sealed partial class EnvironmentProviderOptionsSetup : IPostConfigureOptions<ImageGenerationOptions>
{
    private readonly Func<string, string?> _getVariable;
    private readonly ILogger _logger;
    private int _warnedLocalFallback;

    public EnvironmentProviderOptionsSetup(ILogger<EnvironmentProviderOptionsSetup> logger)
        : this(Environment.GetEnvironmentVariable, logger)
    {
    }

    internal EnvironmentProviderOptionsSetup(Func<string, string?> getVariable, ILogger? logger = null)
    {
        _getVariable = getVariable;
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
                LogLocalFallback(_logger);
            }
        }
    }

    private void AddFromEnvironment(ImageGenerationOptions options)
    {
        if (Get("OPENAI_API_KEY") is { } openAiKey)
        {
            options.Providers["openai"] = new ImageProviderOptions
            {
                Type = ImageProviderTypes.OpenAI,
                ApiKey = openAiKey,
                BaseUrl = Get("OPENAI_BASE_URL"),
            };
        }

        if (Get("AZURE_OPENAI_API_KEY") is { } azureKey && Get("AZURE_OPENAI_ENDPOINT") is { } azureEndpoint)
        {
            options.Providers["azure"] = new ImageProviderOptions
            {
                Type = ImageProviderTypes.AzureOpenAI,
                ApiKey = azureKey,
                BaseUrl = azureEndpoint,
                Deployment = Get("AZURE_OPENAI_DEPLOYMENT") ?? Get("AZURE_OPENAI_IMAGE_DEPLOYMENT"),
                ApiVersion = Get("AZURE_OPENAI_API_VERSION"),
            };
        }
    }

    private string? Get(string variable) => _getVariable(variable) is { Length: > 0 } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "No image provider is configured (no ImageGeneration:Providers section, no OPENAI_API_KEY, no AZURE_OPENAI_API_KEY + AZURE_OPENAI_ENDPOINT): using the offline Local provider, which draws placeholder images")]
    private static partial void LogLocalFallback(ILogger logger);
}
