namespace ImageGen.Sdk.DependencyInjection;

/// <summary>Start-up validation of rate limits, key rotation, quotas, budgets and prices; every message names its configuration key.</summary>
internal static class LimitsOptionsValidation
{
    public static void Validate(ImageGenerationOptions options, List<string> errors)
    {
        const string Root = ImageGenerationOptions.SectionName;
        options.RateLimit.Validate($"{Root}:RateLimit", errors);
        options.UserQuotas.Validate($"{Root}:UserQuotas", errors);
        options.Budget.Validate($"{Root}:Budget", errors);
        options.Pricing.Validate($"{Root}:Pricing", errors);
        foreach ((string name, ImageProviderOptions provider) in options.Providers)
        {
            string path = $"{Root}:Providers:{name}";
            provider.RateLimit.Validate($"{path}:RateLimit", errors);
            provider.Pricing?.Validate($"{path}:Pricing", errors);
            int keys = provider.GetAllApiKeys().Count;
            if (!Enum.IsDefined(provider.KeyRotation))
            {
                errors.Add($"{path}:KeyRotation must be one of {string.Join(", ", Enum.GetNames<KeyRotationStrategy>())}.");
            }

            CheckPerKey($"{path}:KeyWeights", provider.KeyWeights, keys, errors);
            CheckPerKey($"{path}:KeyDailyLimits", provider.KeyDailyLimits, keys, errors);
            if (provider.KeyDailyLimit is <= 0)
            {
                errors.Add($"{path}:KeyDailyLimit must be positive.");
            }

            if (provider.KeyCooldown <= TimeSpan.Zero)
            {
                errors.Add($"{path}:KeyCooldown must be positive.");
            }

            if (provider.QuotaCooldown <= TimeSpan.Zero)
            {
                errors.Add($"{path}:QuotaCooldown must be positive.");
            }

            if (provider.RetiredKeyProbeInterval <= TimeSpan.Zero)
            {
                errors.Add($"{path}:RetiredKeyProbeInterval must be positive.");
            }

            if (provider.MaxKeyWait < TimeSpan.Zero)
            {
                errors.Add($"{path}:MaxKeyWait must not be negative.");
            }
        }
    }

    private static void CheckPerKey(string path, IList<int> values, int keys, List<string> errors)
    {
        if (values.Count > keys)
        {
            errors.Add($"{path} has {values.Count} entries but the provider has {keys} API keys; give one entry per key, in key order.");
        }

        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] <= 0)
            {
                errors.Add($"{path}:{i} must be positive.");
            }
        }
    }
}
