using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Providers.AzureOpenAI;

/// <summary>
/// Creates <see cref="AzureOpenAIImageGenerator"/> clients for providers configured with <c>Type = AzureOpenAI</c>:
/// <c>BaseUrl</c> is the resource endpoint, <c>Deployment</c> the deployment, <c>ApiVersion</c> the api-version and
/// <c>DefaultModel</c> the model behind the deployment (it decides validation and the body shape).
/// </summary>
public sealed class AzureOpenAIImageProviderFactory : IImageProviderFactory
{
    /// <inheritdoc />
    public string ProviderType => ImageProviderTypes.AzureOpenAI;

    /// <inheritdoc />
    public bool RequiresApiKey => true;

    /// <inheritdoc />
    public void Validate(string name, ImageProviderOptions options, ICollection<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        string path = $"{ImageGenerationOptions.SectionName}:Providers:{name}";
        if (string.IsNullOrWhiteSpace(options.BaseUrl))
        {
            errors.Add($"{path}:BaseUrl is required for an AzureOpenAI provider: the resource endpoint, for example https://my-resource.openai.azure.com.");
        }

        if (options.ApiVersion is not null && string.IsNullOrWhiteSpace(options.ApiVersion))
        {
            errors.Add($"{path}:ApiVersion must not be blank (omit it to use {AzureOpenAIImageGeneratorOptions.DefaultApiVersion}).");
        }

        if (options.Deployment is not null && string.IsNullOrWhiteSpace(options.Deployment))
        {
            errors.Add($"{path}:Deployment must not be blank (omit it to use the /openai/v1 route).");
        }
    }

    /// <inheritdoc />
    public ImageProviderDescriptor Describe(string name, ImageProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? deployment = string.IsNullOrWhiteSpace(options.Deployment) ? null : options.Deployment.Trim();
        string defaultModel = deployment ?? options.DefaultModel ?? OpenAIModelCatalog.DefaultModel;

        // Deployments are often named after their model; those names validate like the model itself.
        List<ImageModelCapabilities> known = [.. OpenAIModelCatalog.All];
        if (deployment is not null && OpenAIModelCatalog.Find(options.DefaultModel ?? deployment) is { } underlying)
        {
            known.Add(OpenAIModelCatalog.Rename(underlying, deployment));
        }

        return new ImageProviderDescriptor(name, ProviderType, defaultModel, known);
    }

    /// <inheritdoc />
    public IImageGenerator Create(ImageProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ImageProviderOptions options = context.Options;
        AzureOpenAIImageGeneratorOptions clientOptions = new()
        {
            ProviderName = context.Name,
            ApiKey = context.ApiKey,
            Endpoint = new Uri(options.BaseUrl ?? throw new InvalidOperationException($"{ImageGenerationOptions.SectionName}:Providers:{context.Name}:BaseUrl is required."), UriKind.Absolute),
            Deployment = options.Deployment,
            ApiVersion = options.ApiVersion ?? AzureOpenAIImageGeneratorOptions.DefaultApiVersion,
            Model = options.DefaultModel,
            MaxDownloadBytes = context.MaxDownloadBytes,
            MaxResponseBytes = context.MaxResponseBytes,
        };
        return new AzureOpenAIImageGenerator(clientOptions, context.CreateTransport());
    }
}
