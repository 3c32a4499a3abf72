namespace ImageGen.Sdk;

/// <summary>
/// Prices of image models per image (by quality and size), per megapixel and per token, used to estimate
/// <see cref="ImageGenerationResult.EstimatedCostUsd"/> and to check budgets.
/// </summary>
/// <remarks>
/// Each provider type ships its own prices (<see cref="Providers.IImageProviderFactory.DefaultPrices"/>, dated in its
/// documentation); <c>ImageGeneration:Pricing</c> and a provider's own <c>Pricing</c> apply on top with
/// <see cref="With(PricingOptions?)"/>. A model id <c>*</c> prices every model the table does not list (the offline
/// <c>Local</c> provider costs nothing that way). Models and sizes not in the table have no estimate, so budgets
/// cannot guard them.
/// </remarks>
public sealed class ImagePriceTable
{
    private const string AutoQuality = "auto";
    private const string AnyModel = "*";
    private readonly Dictionary<string, ModelPriceOptions> _models;

    private ImagePriceTable(Dictionary<string, ModelPriceOptions> models) => _models = models;

    /// <summary>Gets a table without prices.</summary>
    public static ImagePriceTable Empty { get; } = new(new Dictionary<string, ModelPriceOptions>(StringComparer.OrdinalIgnoreCase));

    /// <summary>An empty price list (the default of <see cref="Providers.IImageProviderFactory.DefaultPrices"/>).</summary>
    internal static IReadOnlyDictionary<string, ModelPriceOptions> NoPrices { get; } = new Dictionary<string, ModelPriceOptions>();

    /// <summary>Creates a copy of this table with <paramref name="overrides"/> applied on top (for example one provider's own prices).</summary>
    /// <param name="overrides">Prices that replace or add to this table's; this table when <see langword="null"/> or empty.</param>
    /// <returns>The table.</returns>
    public ImagePriceTable With(PricingOptions? overrides) => overrides is null ? this : With(overrides.Models.AsReadOnly());

    /// <summary>Creates a copy of this table with <paramref name="models"/> applied on top (for example a provider type's shipped prices).</summary>
    /// <param name="models">Prices by model id that replace or add to this table's; this table when <see langword="null"/> or empty.</param>
    /// <returns>The table.</returns>
    public ImagePriceTable With(IReadOnlyDictionary<string, ModelPriceOptions>? models)
    {
        if (models is null || models.Count == 0)
        {
            return this;
        }

        Dictionary<string, ModelPriceOptions> merged = new(StringComparer.OrdinalIgnoreCase);
        foreach ((string model, ModelPriceOptions prices) in _models)
        {
            merged[model] = Copy(prices);
        }

        foreach ((string model, ModelPriceOptions prices) in models)
        {
            if (!merged.TryGetValue(model, out ModelPriceOptions? target))
            {
                merged[model] = target = new ModelPriceOptions();
            }

            foreach ((string key, decimal price) in prices.PerImage)
            {
                target.PerImage[key] = price;
            }

            target.DefaultQuality = prices.DefaultQuality ?? target.DefaultQuality;
            target.PerMegapixel = prices.PerMegapixel ?? target.PerMegapixel;
            target.DefaultPerImage = prices.DefaultPerImage ?? target.DefaultPerImage;
            target.InputTextPerMillionTokens = prices.InputTextPerMillionTokens ?? target.InputTextPerMillionTokens;
            target.InputImagePerMillionTokens = prices.InputImagePerMillionTokens ?? target.InputImagePerMillionTokens;
            target.OutputPerMillionTokens = prices.OutputPerMillionTokens ?? target.OutputPerMillionTokens;
        }

        return new ImagePriceTable(merged);
    }

    /// <summary>Gets whether the table has any price for <paramref name="model"/> (its own entry or <c>*</c>).</summary>
    /// <param name="model">The model.</param>
    /// <returns><see langword="true"/> when the model is priced.</returns>
    public bool Contains(string model) => model is not null && (_models.ContainsKey(model) || _models.ContainsKey(AnyModel));

    /// <summary>Gets the price of one image, or <see langword="null"/> when the table does not know it.</summary>
    /// <param name="model">The model.</param>
    /// <param name="size">The size; 1024x1024 when <see langword="null"/>.</param>
    /// <param name="quality">The quality; the model's default (or, failing that, the most expensive for the size) when <see langword="null"/> or <c>auto</c>.</param>
    /// <returns>The price in US dollars, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is blank.</exception>
    public decimal? GetImagePrice(string model, ImageSize? size, ImageQuality? quality)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (!TryGetModel(model, out ModelPriceOptions? prices))
        {
            return null;
        }

        ImageSize priced = size ?? new ImageSize(1024, 1024);
        string sizeKey = priced.ToString();
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

            if (highest is not null)
            {
                return highest;
            }
        }

        if (prices.PerMegapixel is { } perMegapixel)
        {
            // Providers that bill by resolution round up to the started megapixel.
            long pixels = (long)priced.Width * priced.Height;
            return perMegapixel * Math.Max(1, (pixels + 999_999) / 1_000_000);
        }

        return prices.DefaultPerImage;
    }

    /// <summary>Gets the cost of a generation from the token usage the provider reported, when the model is priced per token.</summary>
    /// <param name="model">The model.</param>
    /// <param name="usage">The reported usage.</param>
    /// <returns>The cost in US dollars, or <see langword="null"/> when the model has no token prices or the usage has no output tokens.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is blank.</exception>
    public decimal? GetCostFromUsage(string model, ImageUsage? usage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (usage?.OutputTokens is not { } output || !TryGetModel(model, out ModelPriceOptions? prices)
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

    private bool TryGetModel(string model, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ModelPriceOptions? prices)
        => _models.TryGetValue(model, out prices) || _models.TryGetValue(AnyModel, out prices);

    private static ModelPriceOptions Copy(ModelPriceOptions source)
    {
        ModelPriceOptions copy = new()
        {
            DefaultQuality = source.DefaultQuality,
            PerMegapixel = source.PerMegapixel,
            DefaultPerImage = source.DefaultPerImage,
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
}
