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
    /// <value><c>AZURE_OPENAI_API_KEY</c> and <c>AZURE_OPENAI_ENDPOINT</c> (both needed), <c>AZURE_OPENAI_DEPLOYMENT</c>
    /// (or <c>AZURE_OPENAI_IMAGE_DEPLOYMENT</c>) and <c>AZURE_OPENAI_API_VERSION</c>.</value>
    public IReadOnlyList<string> EnvironmentVariables =>
        ["AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_DEPLOYMENT", "AZURE_OPENAI_IMAGE_DEPLOYMENT", "AZURE_OPENAI_API_VERSION"];

    /// <inheritdoc />
    /// <value><c>azure</c>.</value>
    public string EnvironmentProviderName => "azure";

    /// <inheritdoc />
    /// <value>OpenAI's list prices: a deployment is priced as the model it runs (see <see cref="GetPricedAs"/>).</value>
    public IReadOnlyDictionary<string, ModelPriceOptions> DefaultPrices => OpenAIImagePrices.Models;

    /// <inheritdoc />
    public ImageProviderOptions? FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        return getVariable("AZURE_OPENAI_API_KEY") is { } key && getVariable("AZURE_OPENAI_ENDPOINT") is { } endpoint
            ? new ImageProviderOptions
            {
                Type = ProviderType,
                ApiKey = key,
                BaseUrl = endpoint,
                Deployment = getVariable("AZURE_OPENAI_DEPLOYMENT") ?? getVariable("AZURE_OPENAI_IMAGE_DEPLOYMENT"),
                ApiVersion = getVariable("AZURE_OPENAI_API_VERSION"),
            }
            : null;
    }

    /// <summary>
    /// Gets the deployment name priced as the model it runs, <c>DefaultModel</c>. A deployment named after its model
    /// needs no entry; one that is neither has no price (the cost layer warns when a budget is set).
    /// </summary>
    /// <param name="name">The configured provider name.</param>
    /// <param name="options">Its options.</param>
    /// <returns>The deployment and its model, or <see langword="null"/>.</returns>
    public IReadOnlyDictionary<string, string>? GetPricedAs(string name, ImageProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Deployment) || string.IsNullOrWhiteSpace(options.DefaultModel))
        {
            return null;
        }

        string deployment = options.Deployment.Trim();
        string model = options.DefaultModel.Trim();
        return string.Equals(deployment, model, StringComparison.OrdinalIgnoreCase)
            ? null
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [deployment] = model };
    }

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
