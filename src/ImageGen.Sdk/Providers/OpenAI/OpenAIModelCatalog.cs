namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>What the OpenAI image models accept, from the Images API reference (<c>CreateImageRequest</c>).</summary>
internal static class OpenAIModelCatalog
{
    /// <summary>The model used when neither the request nor the options name one.</summary>
    public const string DefaultModel = "gpt-image-1";

    /// <summary>The largest edge gpt-image-2 accepts (3840x2160 is its largest documented resolution).</summary>
    internal const int GptImage2MaxEdge = 3840;

    /// <summary>The most pixels gpt-image-2 accepts: 3840 × 2160.</summary>
    internal const long GptImage2MaxPixels = 3840L * 2160;

    private static readonly ImageSize[] GptImageSizes = [new(1024, 1024), new(1536, 1024), new(1024, 1536)];
    private static readonly ImageQuality[] GptImageQualities = [ImageQuality.Auto, ImageQuality.Low, ImageQuality.Medium, ImageQuality.High];

    private static readonly Dictionary<string, ImageModelCapabilities> Models = Create()
        .ToDictionary(m => m.Model, StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets every known model.</summary>
    public static IReadOnlyCollection<ImageModelCapabilities> All => Models.Values;

    /// <summary>Finds a model's capabilities.</summary>
    /// <param name="model">The model id.</param>
    /// <returns>The capabilities, or <see langword="null"/> for a model the SDK does not know.</returns>
    public static ImageModelCapabilities? Find(string? model)
        => model is not null && Models.TryGetValue(model, out ImageModelCapabilities? capabilities) ? capabilities : null;

    /// <summary>Gets whether a model is a DALL·E model, which takes <c>response_format</c> and answers with URLs by default.</summary>
    /// <param name="model">The model id.</param>
    /// <returns><see langword="true"/> for <c>dall-e-*</c>; any other model is treated like a GPT image model.</returns>
    public static bool IsDallE(string model) => model.StartsWith("dall-e", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Gets whether a model takes <c>style</c>. Only DALL·E 3 does: GPT image models answer it with a 400
    /// <c>unknown_parameter</c> and DALL·E 2 has no styles. A model the SDK does not know is treated like a GPT
    /// image model (as for every other field), unless its name says it is a DALL·E 3 variant.
    /// </summary>
    /// <param name="model">The model id (the model behind an Azure deployment).</param>
    /// <returns><see langword="true"/> when <c>style</c> may be sent.</returns>
    public static bool TakesStyle(string model)
        => Find(model)?.SupportsStyle ?? model.StartsWith("dall-e-3", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets whether a model takes <c>output_format</c>: GPT image models do, DALL·E models (always PNG) do not.</summary>
    /// <param name="model">The model id (the model behind an Azure deployment).</param>
    /// <returns><see langword="true"/> when <c>output_format</c> may be sent.</returns>
    public static bool TakesOutputFormat(string model) => !IsDallE(model);

    /// <summary>Copies a model's capabilities under another name (an Azure deployment of that model).</summary>
    /// <param name="source">The model's capabilities.</param>
    /// <param name="name">The name requests use (the deployment).</param>
    /// <returns>The copy.</returns>
    public static ImageModelCapabilities Rename(ImageModelCapabilities source, string name) => new(name)
    {
        SupportedSizes = source.SupportedSizes,
        CustomSizeRule = source.CustomSizeRule,
        CustomSizeRuleDescription = source.CustomSizeRuleDescription,
        SupportedAspectRatios = source.SupportedAspectRatios,
        DefaultSize = source.DefaultSize,
        MaxImagesPerCall = source.MaxImagesPerCall,
        MaxPromptLength = source.MaxPromptLength,
        SupportedQualities = source.SupportedQualities,
        SupportsStyle = source.SupportsStyle,
        SupportsNegativePrompt = source.SupportsNegativePrompt,
        SupportsSeed = source.SupportsSeed,
    };

    /// <summary>
    /// The gpt-image-2 custom size rule. The spec says: sides divisible by 16, aspect ratio between 1:3 and 3:1,
    /// "the maximum supported resolution is 3840x2160". We read the maximum as orientation-free: the longer edge at
    /// most 3840 and at most 3840 × 2160 pixels, so 2160x3840 is accepted too.
    /// </summary>
    /// <param name="size">The requested size.</param>
    /// <returns><see langword="true"/> when the size is accepted.</returns>
    internal static bool IsValidGptImage2Size(ImageSize size)
    {
        int longEdge = Math.Max(size.Width, size.Height);
        int shortEdge = Math.Min(size.Width, size.Height);
        return size.Width % 16 == 0
            && size.Height % 16 == 0
            && longEdge <= 3L * shortEdge
            && longEdge <= GptImage2MaxEdge
            && size.Pixels <= GptImage2MaxPixels;
    }

    private static IEnumerable<ImageModelCapabilities> Create()
    {
        yield return new ImageModelCapabilities("dall-e-2")
        {
            SupportedSizes = [new(256, 256), new(512, 512), new(1024, 1024)],
            DefaultSize = new(1024, 1024),
            MaxImagesPerCall = 10,
            MaxPromptLength = 1000,
            SupportedQualities = [ImageQuality.Standard],
            SupportsVariations = true,
        };
        yield return new ImageModelCapabilities("dall-e-3")
        {
            SupportedSizes = [new(1024, 1024), new(1792, 1024), new(1024, 1792)],
            DefaultSize = new(1024, 1024),
            MaxImagesPerCall = 1,
            MaxPromptLength = 4000,
            SupportedQualities = [ImageQuality.Standard, ImageQuality.Hd],
            SupportsStyle = true,
        };
        foreach (string model in (string[])["gpt-image-1", "gpt-image-1.5", "gpt-image-1-mini"])
        {
            yield return GptImage(model);
        }

        yield return new ImageModelCapabilities("gpt-image-2")
        {
            SupportedSizes = GptImageSizes,
            CustomSizeRule = IsValidGptImage2Size,
            CustomSizeRuleDescription = "any WIDTHxHEIGHT with both sides divisible by 16, aspect ratio between 1:3 and 3:1, longer side at most 3840 and at most 3840x2160 pixels",
            MaxImagesPerCall = 10,
            MaxPromptLength = 32000,
            SupportedQualities = GptImageQualities,
        };
    }

    private static ImageModelCapabilities GptImage(string model) => new(model)
    {
        SupportedSizes = GptImageSizes,
        MaxImagesPerCall = 10,
        MaxPromptLength = 32000,
        SupportedQualities = GptImageQualities,
    };
}
