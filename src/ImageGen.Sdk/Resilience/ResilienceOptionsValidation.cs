namespace ImageGen.Sdk.Resilience;

/// <summary>Start-up checks of the retry, circuit breaker and fallback options, called by the options validator.</summary>
internal static class ResilienceOptionsValidation
{
    private const string Placeholder = "\u0001";

    /// <summary>Checks <c>ImageGeneration:Retry</c>, <c>:CircuitBreaker</c> and <c>:Fallback</c>.</summary>
    public static void Validate(ImageGenerationOptions options, ICollection<string> errors)
    {
        const string Root = ImageGenerationOptions.SectionName;
        options.Retry.Validate($"{Root}:Retry", errors);
        options.CircuitBreaker.Validate($"{Root}:CircuitBreaker", errors);
        options.Fallback.Validate($"{Root}:Fallback", options.Providers.Keys, errors);
    }

    /// <summary>Checks a provider's <c>Retry</c> and <c>CircuitBreaker</c> overrides, merged with the global options.</summary>
    public static void ValidateProvider(string path, ImageProviderOptions provider, ImageGenerationOptions options, ICollection<string> errors)
    {
        if (provider.Retry is { } retry)
        {
            AddNew(errors, $"{path}:Retry", options.Retry.Validate, retry.InheritFrom(options.Retry).Validate);
        }

        if (provider.CircuitBreaker is { } breaker)
        {
            AddNew(errors, $"{path}:CircuitBreaker", options.CircuitBreaker.Validate, breaker.InheritFrom(options.CircuitBreaker).Validate);
        }
    }

    // The merged options repeat every problem of the global ones; report only what the override itself introduced,
    // under the provider's key, so each mistake is named once at the key that causes it.
    private static void AddNew(ICollection<string> errors, string path, Action<string, ICollection<string>> global, Action<string, ICollection<string>> merged)
    {
        List<string> globalErrors = [];
        global(Placeholder, globalErrors);
        List<string> mergedErrors = [];
        merged(Placeholder, mergedErrors);
        foreach (string error in mergedErrors.Except(globalErrors, StringComparer.Ordinal))
        {
            errors.Add(error.Replace(Placeholder, path, StringComparison.Ordinal));
        }
    }
}
