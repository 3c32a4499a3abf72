using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace ImageGen.Sdk.Resilience;

/// <summary>
/// Start-up checks of <c>ImageGeneration:Retry</c>, <c>:CircuitBreaker</c>, <c>:Fallback</c> and each provider's
/// <c>Retry</c> / <c>CircuitBreaker</c> overrides, merged the way <see cref="ProviderResilienceOptionsSetup"/> merges
/// them. Each mistake is named once, at the key that causes it.
/// </summary>
internal sealed class ResilienceOptionsValidator : IValidateOptions<ImageGenerationOptions>
{
    private readonly IConfiguration? _section;

    public ResilienceOptionsValidator(IServiceProvider services)
        => _section = (services.GetService(typeof(ProviderResilienceOptionsSetup.ImageGenerationConfigurationSource))
            as ProviderResilienceOptionsSetup.ImageGenerationConfigurationSource)?.Resolve(services);

    public ValidateOptionsResult Validate(string? name, ImageGenerationOptions options)
    {
        const string Root = ImageGenerationOptions.SectionName;
        List<string> errors = [];
        options.Retry.Validate($"{Root}:Retry", errors);
        options.CircuitBreaker.Validate($"{Root}:CircuitBreaker", errors);
        options.Fallback.Validate($"{Root}:Fallback", options.Providers.Keys, errors);

        string[] globalRetry = [.. options.Retry.Problems()];
        string[] globalBreaker = [.. options.CircuitBreaker.Problems()];
        foreach (string provider in options.Providers.Keys)
        {
            string path = $"{Root}:Providers:{provider}";
            RetryOptions retry = new();
            ProviderResilienceOptionsSetup.Merge(options.Retry, ProviderResilienceOptionsSetup.ProviderSection(_section, provider, "Retry"), retry);
            AddNew(errors, $"{path}:Retry", retry.Problems(), globalRetry);

            CircuitBreakerOptions breaker = new();
            ProviderResilienceOptionsSetup.Merge(options.CircuitBreaker, ProviderResilienceOptionsSetup.ProviderSection(_section, provider, "CircuitBreaker"), breaker);
            AddNew(errors, $"{path}:CircuitBreaker", breaker.Problems(), globalBreaker);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // A provider inherits every global mistake; those are reported once, under the global key. What is left was
    // introduced by the provider's own keys (its BaseDelay above the global MaxDelay, say) and is named under them.
    private static void AddNew(List<string> errors, string path, IEnumerable<string> merged, string[] global)
    {
        foreach (string problem in merged.Except(global, StringComparer.Ordinal))
        {
            errors.Add($"{path}:{problem}");
        }
    }
}
