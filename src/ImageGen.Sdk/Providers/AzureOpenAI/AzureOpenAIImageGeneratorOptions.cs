namespace ImageGen.Sdk.Providers.AzureOpenAI;

/// <summary>Options of an <see cref="AzureOpenAIImageGenerator"/>.</summary>
public sealed class AzureOpenAIImageGeneratorOptions
{
    /// <summary>The default <c>api-version</c>: the first that serves gpt-image-1.</summary>
    public const string DefaultApiVersion = "2025-04-01-preview";

    /// <summary>Gets or sets the provider name reported in results, exceptions and logs.</summary>
    /// <value><c>azure</c>.</value>
    public string ProviderName { get; set; } = "azure";

    /// <summary>Gets or sets the API key, sent as the <c>api-key</c> header on each request message.</summary>
    /// <value>Required.</value>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Gets or sets the resource endpoint, for example <c>https://my-resource.openai.azure.com</c>. A trailing
    /// <c>/openai</c> or <c>/openai/v1</c> is tolerated.
    /// </summary>
    /// <value>Required.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// Gets or sets the deployment requests go to when they name no model. With a deployment the client posts to
    /// <c>{Endpoint}/openai/deployments/{deployment}/images/generations?api-version=…</c>; without one it uses the v1
    /// route <c>{Endpoint}/openai/v1/images/generations</c> and sends <c>model</c>.
    /// </summary>
    /// <value><see langword="null"/>: the v1 route.</value>
    public string? Deployment { get; set; }

    /// <summary>Gets or sets the <c>api-version</c> query value of deployment URLs.</summary>
    /// <value><c>2025-04-01-preview</c>.</value>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>
    /// Gets or sets the model behind <see cref="Deployment"/> (for example <c>dall-e-3</c>), which decides the body
    /// shape (<c>response_format</c> for DALL·E); on the v1 route, the model used when a request names none.
    /// </summary>
    /// <value><see langword="null"/>: taken from the deployment name when it is a known model, else treated as a GPT image model.</value>
    public string? Model { get; set; }

    /// <summary>Gets or sets the largest image downloaded when the service answers with a URL, in bytes (at most <see cref="Array.MaxLength"/>: the image is buffered in one array).</summary>
    /// <value>64 MiB.</value>
    public long MaxDownloadBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Gets or sets the largest API response body read, in bytes. A longer body (announced by Content-Length or
    /// found while streaming) fails with <see cref="ImageGenerationErrorKind.InvalidResponse"/> without being read
    /// further, so a faulty gateway cannot exhaust memory.
    /// </summary>
    /// <value>512 MiB: ten 3840x2160 images as base64 fit even when they do not compress.</value>
    public long MaxResponseBytes { get; set; } = OpenAI.OpenAIImageClientCore.DefaultMaxResponseBytes;
}
