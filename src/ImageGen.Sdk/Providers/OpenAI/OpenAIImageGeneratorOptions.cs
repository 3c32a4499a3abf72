namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>Options of an <see cref="OpenAIImageGenerator"/>.</summary>
public sealed class OpenAIImageGeneratorOptions
{
    /// <summary>The public OpenAI endpoint.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.openai.com/v1");

    /// <summary>Gets or sets the provider name reported in results, exceptions and logs.</summary>
    /// <value><c>openai</c>.</value>
    public string ProviderName { get; set; } = "openai";

    /// <summary>Gets or sets the API key, sent as <c>Authorization: Bearer</c> on each request message (never on the <see cref="HttpClient"/>).</summary>
    /// <value>Required.</value>
    public string? ApiKey { get; set; }

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

    /// <summary>Gets or sets the largest image downloaded when the provider answers with a URL, in bytes (at most <see cref="Array.MaxLength"/>: the image is buffered in one array).</summary>
    /// <value>64 MiB.</value>
    public long MaxDownloadBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the largest API response body read, in bytes. A longer body (announced by Content-Length or
    /// found while streaming) fails with <see cref="ImageGenerationErrorKind.InvalidResponse"/> without being read
    /// further, so a faulty gateway cannot exhaust memory.
    /// </summary>
    /// <value>512 MiB: ten 3840x2160 images as base64 fit even when they do not compress.</value>
    public long MaxResponseBytes { get; set; } = OpenAIImageClientCore.DefaultMaxResponseBytes;
}
