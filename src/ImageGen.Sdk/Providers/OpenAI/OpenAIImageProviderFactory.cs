namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// Creates <see cref="OpenAIImageGenerator"/> clients for providers configured with <c>Type = OpenAI</c> (OpenAI or
/// any OpenAI-compatible gateway through <c>BaseUrl</c>).
/// </summary>
/// <remarks>
/// API calls use the <see cref="IHttpClientFactory"/> client named <c>ImageGen.{providername}</c> (lower-cased,
/// <see cref="ImageGenerationHttpClientNames.ForProvider"/>), asked for per call
/// so handler rotation keeps working; URL downloads use <see cref="ImageGenerationHttpClientNames.Downloads"/>.
/// </remarks>
public sealed class OpenAIImageProviderFactory : IImageProviderFactory
{
    /// <inheritdoc />
    public string ProviderType => ImageProviderTypes.OpenAI;

    /// <inheritdoc />
    public bool RequiresApiKey => true;

    /// <inheritdoc />
    /// <value><c>OPENAI_API_KEY</c>, and <c>OPENAI_BASE_URL</c> for a gateway.</value>
    public IReadOnlyList<string> EnvironmentVariables => ["OPENAI_API_KEY", "OPENAI_BASE_URL"];

    /// <inheritdoc />
    /// <value><c>openai</c>.</value>
    public string EnvironmentProviderName => "openai";

    /// <inheritdoc />
    public IReadOnlyDictionary<string, ModelPriceOptions> DefaultPrices => OpenAIImagePrices.Models;

    /// <inheritdoc />
    public ImageProviderOptions? FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        return getVariable("OPENAI_API_KEY") is { } key
            ? new ImageProviderOptions { Type = ProviderType, ApiKey = key, BaseUrl = getVariable("OPENAI_BASE_URL") }
            : null;
    }

    /// <inheritdoc />
    public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        if (options.DefaultModel is not null && string.IsNullOrWhiteSpace(options.DefaultModel))
        {
            errors.Add($"{ImageGenerationOptions.SectionName}:Providers:{name}:DefaultModel must not be blank.");
        }
    }

    /// <inheritdoc />
    public ImageProviderDescriptor Describe(string name, ImageProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ImageProviderDescriptor(name, ProviderType, options.DefaultModel ?? OpenAIModelCatalog.DefaultModel, OpenAIModelCatalog.All);
    }

    /// <inheritdoc />
    public IImageGenerator Create(ImageProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ImageProviderOptions options = context.Options;
        OpenAIImageGeneratorOptions clientOptions = new()
        {
            ProviderName = context.Name,
            ApiKey = context.ApiKey,
            BaseUrl = options.BaseUrl is null ? OpenAIImageGeneratorOptions.DefaultBaseUrl : new Uri(options.BaseUrl, UriKind.Absolute),
            DefaultModel = options.DefaultModel ?? OpenAIModelCatalog.DefaultModel,
            Organization = options.Organization,
            Project = options.Project,
            MaxDownloadBytes = context.MaxDownloadBytes,
            MaxResponseBytes = context.MaxResponseBytes,
        };
        return new OpenAIImageGenerator(clientOptions, context.CreateTransport());
    }
}
