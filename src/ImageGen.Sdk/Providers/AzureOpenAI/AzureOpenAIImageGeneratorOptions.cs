namespace ImageGen.Sdk.Providers.AzureOpenAI;

/// <summary>Options of an <see cref="AzureOpenAIImageGenerator"/>; the key, provider name and size limits are on <see cref="HttpImageGeneratorOptions"/>.</summary>
public sealed class AzureOpenAIImageGeneratorOptions : HttpImageGeneratorOptions
{
    /// <summary>The default <c>api-version</c>: the first that serves gpt-image-1.</summary>
    public const string DefaultApiVersion = "2025-04-01-preview";

    /// <summary>Initializes the options with <see cref="HttpImageGeneratorOptions.ProviderName"/> <c>azure</c>; the API key is sent as the <c>api-key</c> header.</summary>
    public AzureOpenAIImageGeneratorOptions()
        : base("azure")
    {
    }

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

    /// <summary>Checks the Azure settings after the shared ones.</summary>
    /// <returns>The endpoint.</returns>
    /// <exception cref="ArgumentException">The api-version is blank or the endpoint is missing or not absolute http(s).</exception>
    internal Uri Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ApiVersion, "options." + nameof(ApiVersion));
        return RequireHttpUrl(Endpoint, nameof(Endpoint));
    }
}
