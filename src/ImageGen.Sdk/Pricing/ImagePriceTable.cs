namespace ImageGen.Sdk;

/// <summary>
/// Prices of image models per image (by quality and size) and per token (GPT image models), used to estimate
/// <see cref="ImageGenerationResult.EstimatedCostUsd"/> and to check budgets.
/// </summary>
/// <remarks>
/// <para>
/// The shipped prices are OpenAI's list prices, each dated: dall-e-2, dall-e-3, gpt-image-1 and gpt-image-1-mini as
/// of 2025-10, gpt-image-1.5 as of 2025-12, gpt-image-2 as of 2026-05 (<see cref="DefaultPricesAsOf"/> is the newest).
/// gpt-image-2 is billed only by tokens; its per-image prices are estimates (OpenAI's launch figures for 1024x1024,
/// applied to the other listed sizes too so a budget errs high), used only before the call: the cost after it comes
/// from the returned token usage. Your agreement may differ: override in <c>ImageGeneration:Pricing</c>.
/// </para>
/// <para>
/// Azure OpenAI is priced by the model a deployment runs (the deployment's name when it is a model id, else the
/// provider's <c>DefaultModel</c>). The <c>Local</c> provider costs nothing. Models and sizes not in the table have no
/// estimate, so budgets cannot guard them.
/// </para>
/// </remarks>
public sealed class ImagePriceTable
{
    /// <summary>The month of the newest shipped price (each model's date is in the remarks and the README).</summary>
    public const string DefaultPricesAsOf = "2026-05";

    private const string AutoQuality = "auto";
    private readonly Dictionary<string, ModelPriceOptions> _models;

    private ImagePriceTable(Dictionary<string, ModelPriceOptions> models) => _models = models;

    /// <summary>Gets the shipped table.</summary>
    public static ImagePriceTable Default { get; } = new(CreateDefaults());

    /// <summary>Creates the shipped table with <paramref name="overrides"/> applied on top.</summary>
    /// <param name="overrides">Prices that replace or add to the shipped ones; the shipped table when <see langword="null"/>.</param>
    /// <returns>The table.</returns>
    public static ImagePriceTable Create(PricingOptions? overrides) => Default.With(overrides);

    /// <summary>Creates a copy of this table with <paramref name="overrides"/> applied on top (for example one provider's own prices).</summary>
    /// <param name="overrides">Prices that replace or add to this table's; this table when <see langword="null"/> or empty.</param>
    /// <returns>The table.</returns>
    public ImagePriceTable With(PricingOptions? overrides)
    {
        if (overrides is null || overrides.Models.Count == 0)
        {
            return this;
        }

        Dictionary<string, ModelPriceOptions> models = new(StringComparer.OrdinalIgnoreCase);
        foreach ((string model, ModelPriceOptions prices) in _models)
        {
            models[model] = Copy(prices);
        }

        foreach ((string model, ModelPriceOptions prices) in overrides.Models)
        {
            if (!models.TryGetValue(model, out ModelPriceOptions? merged))
            {
                models[model] = merged = new ModelPriceOptions();
            }

            foreach ((string key, decimal price) in prices.PerImage)
            {
                merged.PerImage[key] = price;
            }

            merged.DefaultQuality = prices.DefaultQuality ?? merged.DefaultQuality;
            merged.InputTextPerMillionTokens = prices.InputTextPerMillionTokens ?? merged.InputTextPerMillionTokens;
            merged.InputImagePerMillionTokens = prices.InputImagePerMillionTokens ?? merged.InputImagePerMillionTokens;
            merged.OutputPerMillionTokens = prices.OutputPerMillionTokens ?? merged.OutputPerMillionTokens;
        }

        return new ImagePriceTable(models);
    }

    /// <summary>Gets whether the table has any price for <paramref name="model"/>.</summary>
    /// <param name="model">The model.</param>
    /// <returns><see langword="true"/> when the model has an entry.</returns>
    public bool Contains(string model) => model is not null && _models.ContainsKey(model);

    /// <summary>Gets the price of one image, or <see langword="null"/> when the table does not know it.</summary>
    /// <param name="model">The model.</param>
    /// <param name="size">The size; 1024x1024 when <see langword="null"/>.</param>
    /// <param name="quality">The quality; the model's default (or, failing that, the most expensive for the size) when <see langword="null"/> or <c>auto</c>.</param>
    /// <returns>The price in US dollars, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is blank.</exception>
    public decimal? GetImagePrice(string model, ImageSize? size, ImageQuality? quality)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (!_models.TryGetValue(model, out ModelPriceOptions? prices))
        {
            return null;
        }

        string sizeKey = (size ?? new ImageSize(1024, 1024)).ToString();
        string? qualityName = quality is { } q && !string.Equals(q.Value, AutoQuality, StringComparison.OrdinalIgnoreCase) ? q.Value : prices.DefaultQuality;
        if (qualityName is not null && prices.PerImage.TryGetValue($"{qualityName}-{sizeKey}", out decimal exact))
        {
            return exact;
        }

        if (prices.PerImage.TryGetValue(sizeKey, out decimal bySize))
        {
            return bySize;
        }

        if (qualityName is null)
        {
            // "auto" lets the provider choose: assume the dearest choice so a budget is never overrun by the estimate.
            string suffix = "-" + sizeKey;
            decimal? highest = null;
            foreach ((string key, decimal price) in prices.PerImage)
            {
                if (key.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && (highest is null || price > highest))
                {
                    highest = price;
                }
            }

            return highest;
        }

        return null;
    }

    /// <summary>Gets the cost of a generation from the token usage the provider reported, when the model is priced per token.</summary>
    /// <param name="model">The model.</param>
    /// <param name="usage">The reported usage.</param>
    /// <returns>The cost in US dollars, or <see langword="null"/> when the model has no token prices or the usage has no output tokens.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is blank.</exception>
    public decimal? GetCostFromUsage(string model, ImageUsage? usage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (usage?.OutputTokens is not { } output || !_models.TryGetValue(model, out ModelPriceOptions? prices)
            || prices.OutputPerMillionTokens is not { } outputPrice)
        {
            return null;
        }

        long imageInput = usage.InputImageTokens ?? 0;
        long textInput = usage.InputTextTokens ?? Math.Max(0, (usage.InputTokens ?? 0) - imageInput);
        decimal cost = (textInput * (prices.InputTextPerMillionTokens ?? 0m))
            + (imageInput * (prices.InputImagePerMillionTokens ?? 0m))
            + (output * outputPrice);
        return cost / 1_000_000m;
    }

    private static ModelPriceOptions Copy(ModelPriceOptions source)
    {
        ModelPriceOptions copy = new()
        {
            DefaultQuality = source.DefaultQuality,
            InputTextPerMillionTokens = source.InputTextPerMillionTokens,
            InputImagePerMillionTokens = source.InputImagePerMillionTokens,
            OutputPerMillionTokens = source.OutputPerMillionTokens,
        };
        foreach ((string key, decimal price) in source.PerImage)
        {
            copy.PerImage[key] = price;
        }

        return copy;
    }

    private static Dictionary<string, ModelPriceOptions> CreateDefaults()
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
