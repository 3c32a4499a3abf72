namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>Options of an <see cref="OpenAIImageGenerator"/>; the key, provider name and size limits are on <see cref="HttpImageGeneratorOptions"/>.</summary>
public sealed class OpenAIImageGeneratorOptions : HttpImageGeneratorOptions
{
    /// <summary>The public OpenAI endpoint.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.openai.com/v1");

    /// <summary>Initializes the options with <see cref="HttpImageGeneratorOptions.ProviderName"/> <c>openai</c>; the API key is sent as <c>Authorization: Bearer</c>.</summary>
    public OpenAIImageGeneratorOptions()
        : base("openai")
    {
    }

    /// <summary>
    /// Gets or sets the API base URL. Point it at an OpenAI-compatible gateway (Cloudflare AI Gateway, Vercel AI
    /// Gateway, a LiteLLM proxy); its path is kept, so <c>http://localhost:4000/v1</c> posts to
    /// <c>http://localhost:4000/v1/images/generations</c>.
    /// </summary>
    /// <value><c>https://api.openai.com/v1</c>.</value>
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>Gets or sets the model used when a request names none.</summary>
    /// <value><c>gpt-image-1</c>.</value>
    public string DefaultModel { get; set; } = OpenAIModelCatalog.DefaultModel;

    /// <summary>Gets or sets the organization id sent as <c>OpenAI-Organization</c>.</summary>
    /// <value><see langword="null"/>: not sent.</value>
    public string? Organization { get; set; }

    /// <summary>Gets or sets the project id sent as <c>OpenAI-Project</c>.</summary>
    /// <value><see langword="null"/>: not sent.</value>
    public string? Project { get; set; }

    /// <summary>Checks the OpenAI settings after the shared ones.</summary>
    /// <returns>The base URL.</returns>
    /// <exception cref="ArgumentException">The default model is blank or the base URL is not absolute http(s).</exception>
    internal Uri Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(DefaultModel, "options." + nameof(DefaultModel));
        return RequireHttpUrl(BaseUrl, nameof(BaseUrl));
    }
}
