namespace ImageGen.Sdk;

/// <summary>
/// Overrides and additions to the shipped prices (<c>ImageGeneration:Pricing</c>, or a provider's own <c>Pricing</c>).
/// An entry here replaces the shipped entry with the same model and key; everything else keeps the price its provider
/// type ships (<see cref="Providers.IImageProviderFactory.DefaultPrices"/>).
/// </summary>
public sealed class PricingOptions
{
    /// <summary>Gets the prices by model name (<c>Pricing:Models:{model}</c>); names ignore case.</summary>
    public IDictionary<string, ModelPriceOptions> Models { get; } = new Dictionary<string, ModelPriceOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds one message per invalid price to <paramref name="errors"/>, each naming its configuration key.</summary>
    internal void Validate(string path, ICollection<string> errors)
    {
        foreach ((string model, ModelPriceOptions prices) in Models)
        {
            foreach ((string key, decimal price) in prices.PerImage)
            {
                if (price < 0)
                {
                    errors.Add($"{path}:Models:{model}:PerImage:{key} must not be negative.");
                }
            }

            if (prices.InputTextPerMillionTokens < 0 || prices.InputImagePerMillionTokens < 0 || prices.OutputPerMillionTokens < 0)
            {
                errors.Add($"{path}:Models:{model}: token prices must not be negative.");
            }
        }
    }
}
