using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Resilience;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.DependencyInjection;

/// <summary>
/// Validates <see cref="ImageGenerationOptions"/> at start-up (<c>ValidateOnStart</c>); every message names the
/// configuration key so a misconfigured app fails at boot, not on its first image.
/// </summary>
internal sealed class ImageGenerationOptionsValidator : IValidateOptions<ImageGenerationOptions>
{
    private readonly IEnumerable<IImageProviderFactory> _factories;

    public ImageGenerationOptionsValidator(IEnumerable<IImageProviderFactory> factories) => _factories = factories;

    public ValidateOptionsResult Validate(string? name, ImageGenerationOptions options)
    {
        List<string> errors = [];
        const string Root = ImageGenerationOptions.SectionName;
        if (options.Providers.Count == 0)
        {
            errors.Add(NoProviderMessage(options));
        }
        else if (options.Providers.Count > 1 && options.DefaultProvider is null)
        {
            // Configuration sorts child keys, so "the first provider" would be the alphabetical one: openai + local
            // would serve placeholders, openai + azure would go to Azure. Refuse to guess.
            errors.Add($"{Root}:DefaultProvider is required when several providers are configured ({string.Join(", ", options.Providers.Keys)}): set it to the provider that serves requests naming none.");
        }

        if (options.DefaultProvider is not null && !options.Providers.ContainsKey(options.DefaultProvider))
        {
            errors.Add($"{Root}:DefaultProvider: '{options.DefaultProvider}' is not a configured provider. Configured: {string.Join(", ", options.Providers.Keys)}.");
        }

        if (options.MaxDownloadBytes <= 0 || options.MaxDownloadBytes > Array.MaxLength)
        {
            // A download is buffered into one array, so the cap cannot exceed the largest array .NET allocates.
            errors.Add($"{Root}:MaxDownloadBytes must be between 1 and {Array.MaxLength}.");
        }

        if (options.MaxResponseBytes <= 0 || options.MaxResponseBytes > Array.MaxLength)
        {
            // The images of a response are decoded into one array sized from its length.
            errors.Add($"{Root}:MaxResponseBytes must be between 1 and {Array.MaxLength}.");
        }

        options.Cache.Validate($"{Root}:Cache", errors);

        foreach ((string providerName, ImageProviderOptions provider) in options.Providers)
        {
            string path = $"{Root}:Providers:{providerName}";
            if (string.IsNullOrWhiteSpace(provider.Type))
            {
                errors.Add($"{path}:Type is required. Known types: {string.Join(", ", _factories.Select(f => f.ProviderType))}.");
                continue;
            }

            IImageProviderFactory? factory = _factories.FirstOrDefault(f => string.Equals(f.ProviderType, provider.Type, StringComparison.OrdinalIgnoreCase));
            if (factory is null)
            {
                errors.Add($"{path}:Type '{provider.Type}' is not a known provider type. Known types: {string.Join(", ", _factories.Select(f => f.ProviderType))}.");
                continue;
            }

            if (factory.RequiresApiKey && provider.GetAllApiKeys().Count == 0)
            {
                errors.Add($"{path}:ApiKey (or {path}:ApiKeys:0) is required for a provider of type {factory.ProviderType}.");
            }

            if (provider.BaseUrl is not null && !IsHttpUrl(provider.BaseUrl))
            {
                errors.Add($"{path}:BaseUrl '{provider.BaseUrl}' is not an absolute http(s) URL.");
            }

            factory.Validate(providerName, provider, errors);
        }

        LimitsOptionsValidation.Validate(options, errors);

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private string NoProviderMessage(ImageGenerationOptions options)
    {
        const string Root = ImageGenerationOptions.SectionName;
        string environment = options.UseEnvironmentVariables
            ? $"none of {EnvironmentProviderOptionsSetup.EnvironmentVariableList(_factories)} is set in the environment"
            : $"environment variables are not read ({Root}:UseEnvironmentVariables is false)";
        return $"{Root}:Providers: no image provider is configured and {environment}. Configure one under {Root}:Providers "
            + $"(for example {Root}:Providers:openai:Type = OpenAI with its ApiKey), set OPENAI_API_KEY, or opt in to the offline "
            + $"placeholder provider explicitly with {Root}:Providers:local:Type = Local (or {Root}:UseLocalWhenUnconfigured = true). "
            + "Outside Development the placeholder provider is never chosen on its own.";
    }

    private static bool IsHttpUrl(string value)
        => Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
