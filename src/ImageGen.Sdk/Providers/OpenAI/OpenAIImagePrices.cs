namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// OpenAI's list prices, each dated: dall-e-2, dall-e-3, gpt-image-1 and gpt-image-1-mini as of 2025-10,
/// gpt-image-1.5 as of 2025-12, gpt-image-2 as of 2026-05 (<see cref="AsOf"/> is the newest).
/// </summary>
/// <remarks>
/// gpt-image-2 is billed only by tokens; its per-image prices are estimates (OpenAI's launch figures for 1024x1024,
/// applied to the other listed sizes too so a budget errs high), used only before the call: the cost after it comes
/// from the returned token usage. Azure OpenAI deployments are priced as the model they run. Your agreement may
/// differ: override in <c>ImageGeneration:Pricing</c>.
/// </remarks>
public static class OpenAIImagePrices
{
    /// <summary>The month of the newest price.</summary>
    public const string AsOf = "2026-05";

    /// <summary>Gets the prices by model id.</summary>
    public static IReadOnlyDictionary<string, ModelPriceOptions> Models { get; } = Create().AsReadOnly();

    internal static Dictionary<string, ModelPriceOptions> Create()
    {
        // OpenAI list prices (platform.openai.com/docs/pricing, image generation): October 2025 unless noted.
        return new Dictionary<string, ModelPriceOptions>(StringComparer.OrdinalIgnoreCase)
        {
            ["dall-e-2"] = Model(null, ("256x256", 0.016m), ("512x512", 0.018m), ("1024x1024", 0.020m)),
            ["dall-e-3"] = Model(
                "standard",
                ("standard-1024x1024", 0.040m), ("standard-1024x1792", 0.080m), ("standard-1792x1024", 0.080m),
                ("hd-1024x1024", 0.080m), ("hd-1024x1792", 0.120m), ("hd-1792x1024", 0.120m)),
            ["gpt-image-1"] = Tokens(
                Model(
                    null,
                    ("low-1024x1024", 0.011m), ("low-1024x1536", 0.016m), ("low-1536x1024", 0.016m),
                    ("medium-1024x1024", 0.042m), ("medium-1024x1536", 0.063m), ("medium-1536x1024", 0.063m),
                    ("high-1024x1024", 0.167m), ("high-1024x1536", 0.25m), ("high-1536x1024", 0.25m)),
                text: 5.00m, image: 10.00m, output: 40.00m),
            ["gpt-image-1-mini"] = Tokens(
                Model(
                    null,
                    ("low-1024x1024", 0.005m), ("low-1024x1536", 0.006m), ("low-1536x1024", 0.006m),
                    ("medium-1024x1024", 0.011m), ("medium-1024x1536", 0.015m), ("medium-1536x1024", 0.015m),
                    ("high-1024x1024", 0.036m), ("high-1024x1536", 0.052m), ("high-1536x1024", 0.052m)),
                text: 2.00m, image: 2.50m, output: 8.00m),

            // December 2025.
            ["gpt-image-1.5"] = Tokens(
                Model(
                    null,
                    ("low-1024x1024", 0.009m), ("low-1024x1536", 0.013m), ("low-1536x1024", 0.013m),
                    ("medium-1024x1024", 0.034m), ("medium-1024x1536", 0.05m), ("medium-1536x1024", 0.05m),
                    ("high-1024x1024", 0.133m), ("high-1024x1536", 0.2m), ("high-1536x1024", 0.2m)),
                text: 5.00m, image: 8.00m, output: 32.00m),

            // May 2026. Token prices are OpenAI's; the per-image prices are estimates (see the remarks on the class).
            ["gpt-image-2"] = Tokens(
                Model(
                    null,
                    ("low-1024x1024", 0.006m), ("low-1024x1536", 0.006m), ("low-1536x1024", 0.006m),
                    ("medium-1024x1024", 0.053m), ("medium-1024x1536", 0.053m), ("medium-1536x1024", 0.053m),
                    ("high-1024x1024", 0.211m), ("high-1024x1536", 0.211m), ("high-1536x1024", 0.211m)),
                text: 5.00m, image: 8.00m, output: 30.00m),
        };

        static ModelPriceOptions Model(string? defaultQuality, params (string Key, decimal Price)[] perImage)
        {
            ModelPriceOptions model = new() { DefaultQuality = defaultQuality };
            foreach ((string key, decimal price) in perImage)
            {
                model.PerImage[key] = price;
            }

            return model;
        }

        static ModelPriceOptions Tokens(ModelPriceOptions model, decimal text, decimal image, decimal output)
        {
            model.InputTextPerMillionTokens = text;
            model.InputImagePerMillionTokens = image;
            model.OutputPerMillionTokens = output;
            return model;
        }
    }
}
