namespace ImageGen.Sdk;

/// <summary>The prices of one model (<c>ImageGeneration:Pricing:Models:{model}</c>), in US dollars.</summary>
public sealed class ModelPriceOptions
{
    /// <summary>
    /// Gets the price per image by <c>{quality}-{WIDTHxHEIGHT}</c> (for example <c>hd-1024x1792</c>), or by
    /// <c>{WIDTHxHEIGHT}</c> alone for models without quality levels (for example <c>512x512</c>). Keys ignore case.
    /// </summary>
    public IDictionary<string, decimal> PerImage { get; } = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the quality the model uses when a request names none (for example <c>standard</c> for DALL·E 3).</summary>
    /// <value><see langword="null"/>: the most expensive quality for the size is assumed, so budgets err on the safe side.</value>
    public string? DefaultQuality { get; set; }

    /// <summary>
    /// Gets or sets the price per started megapixel of output (<c>ceil(width × height / 1,000,000)</c>), for models
    /// billed by resolution; used for sizes <see cref="PerImage"/> does not list.
    /// </summary>
    /// <value><see langword="null"/>: not billed per megapixel.</value>
    public decimal? PerMegapixel { get; set; }

    /// <summary>Gets or sets the price of one image at any size and quality that neither <see cref="PerImage"/> nor <see cref="PerMegapixel"/> prices.</summary>
    /// <value><see langword="null"/>: such images have no estimate.</value>
    public decimal? DefaultPerImage { get; set; }

    /// <summary>Gets or sets the price of a million text input tokens, for models that report usage.</summary>
    public decimal? InputTextPerMillionTokens { get; set; }

    /// <summary>Gets or sets the price of a million image input tokens, for models that report usage.</summary>
    public decimal? InputImagePerMillionTokens { get; set; }

    /// <summary>Gets or sets the price of a million output (image) tokens, for models that report usage.</summary>
    public decimal? OutputPerMillionTokens { get; set; }
}
