namespace ImageGen.Sdk.Providers.Local;

/// <summary>Options of <see cref="LocalImageGenerator"/>, the offline provider that draws deterministic placeholder PNGs.</summary>
public sealed class LocalImageGeneratorOptions
{
    /// <summary>The model name the Local provider reports by default: <c>local-png</c>.</summary>
    public const string LocalPngModel = "local-png";

    /// <summary>Gets or sets the provider name reported in <see cref="ImageGenerationResult.Provider"/>.</summary>
    /// <value><c>local</c>.</value>
    public string ProviderName { get; set; } = "local";

    /// <summary>Gets or sets the model reported when a request names none.</summary>
    /// <value><c>local-png</c>.</value>
    public string DefaultModel { get; set; } = LocalPngModel;

    /// <summary>Gets or sets the largest image accepted, in pixels (width × height); larger requests throw <see cref="ArgumentException"/>.</summary>
    /// <value>16,777,216 (4096 × 4096).</value>
    public long MaxPixels { get; set; } = 4096L * 4096;
}
