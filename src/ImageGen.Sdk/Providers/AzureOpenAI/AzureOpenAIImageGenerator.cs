using System.Net.Http.Headers;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Providers.AzureOpenAI;

/// <summary>
/// Calls Azure OpenAI image generation:
/// <c>POST {endpoint}/openai/deployments/{deployment}/images/generations?api-version={v}</c> with an <c>api-key</c>
/// header, or the v1 route <c>{endpoint}/openai/v1/images/generations</c> with <c>model</c> when no deployment is
/// configured (<c>/images/edits</c> likewise for requests with input images). One HTTP call per <see cref="HttpImageGenerator.GenerateAsync"/>; thread-safe; one instance per key.
/// </summary>
/// <remarks>
/// A request's <see cref="ImageGenerationRequest.Model"/> names the deployment (Azure routes by deployment, not
/// model); the result reports that deployment name as its model. Response parsing and error classification are
/// shared with <see cref="OpenAIImageGenerator"/>, plus Azure's content-filter <c>inner_error</c> and the
/// "Please retry after N seconds" rate-limit message.
/// </remarks>
public sealed class AzureOpenAIImageGenerator : HttpImageGenerator
{
    private readonly Uri _endpoint;
    private readonly string? _deployment;
    private readonly string _apiVersion;
    private readonly string? _model;
    private readonly ImageGeneratorMetadata _metadata;

    /// <summary>Initializes a new client.</summary>
    /// <param name="options">The options; copied, later changes have no effect.</param>
    /// <param name="transport">The HTTP clients, logger and clock, for example <c>new ProviderTransport(httpClient)</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="transport"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (no key, no absolute endpoint, a blank api-version).</exception>
    public AzureOpenAIImageGenerator(AzureOpenAIImageGeneratorOptions options, ProviderTransport transport)
        : base(options, transport)
    {
        Uri endpoint = options.Validate();
        _deployment = string.IsNullOrWhiteSpace(options.Deployment) ? null : options.Deployment.Trim();
        _apiVersion = options.ApiVersion.Trim();
        _model = string.IsNullOrWhiteSpace(options.Model) ? null : options.Model.Trim();
        _endpoint = NormalizeEndpoint(endpoint);
        List<ImageModelCapabilities> models = [.. OpenAIModelCatalog.All];
        if (_deployment is not null && OpenAIModelCatalog.Find(_model ?? _deployment) is { } underlying)
        {
            models.Add(OpenAIModelCatalog.Rename(underlying, _deployment));
        }

        _metadata = new ImageGeneratorMetadata(options.ProviderName, "AzureOpenAI", _deployment ?? _model ?? OpenAIModelCatalog.DefaultModel, models, _endpoint);
    }

    /// <inheritdoc />
    protected override ImageGeneratorMetadata Metadata => _metadata;

    /// <inheritdoc />
    protected override void ValidateRequest(ImageGenerationRequest request)
    {
        base.ValidateRequest(request);
        OpenAIRequestChecks.ThrowIfUnsupported(request);
    }

    /// <inheritdoc />
    protected override async Task<ImageGenerationResult> GenerateCoreAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        bool isEdit = request.InputImages is { Count: > 0 };
        string operation = isEdit ? "edits" : "generations";

        string name;
        Uri url;
        HttpContent content;
        if (_deployment is not null)
        {
            name = request.Model ?? _deployment;
            url = DeploymentUrl(name, operation);
            content = isEdit
                ? OpenAIRequestWriter.CreateEditContent(request, model: null, modelFamily: ModelBehind(name))
                : OpenAIRequestWriter.CreateContent(request, model: null, modelFamily: ModelBehind(name));
        }
        else
        {
            name = request.Model ?? _model ?? OpenAIModelCatalog.DefaultModel;
            url = OpenAIImageGenerator.AppendPath(_endpoint, "openai/v1/images/" + operation);
            content = isEdit
                ? OpenAIRequestWriter.CreateEditContent(request, model: name, modelFamily: ModelBehind(name))
                : OpenAIRequestWriter.CreateContent(request, model: name, modelFamily: ModelBehind(name));
        }

        using HttpRequestMessage message = new(HttpMethod.Post, url) { Content = content };
        message.Headers.TryAddWithoutValidation("api-key", ApiKey);
        return await OpenAIImagesExchange.SendAsync(this, message, name, request, OpenAIRequestChecks.Warnings(request, ModelBehind(name)), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override ImageGenerationException CreateError(ProviderErrorResponse response) => OpenAIImagesExchange.CreateError(this, response);

    /// <inheritdoc />
    protected override string? ReadRequestId(HttpResponseHeaders headers) => OpenAIImagesExchange.ReadRequestId(headers);

    /// <inheritdoc />
    protected override ProviderRateLimitInfo? ReadRateLimit(HttpResponseHeaders headers) => OpenAIRateLimitHeaders.Read(headers);

    /// <summary>The model whose rules shape the body for a deployment or model name.</summary>
    internal string ModelBehind(string name)
        => string.Equals(name, _deployment, StringComparison.OrdinalIgnoreCase) && _model is not null ? _model : name;

    internal Uri DeploymentUrl(string deployment, string operation)
    {
        Uri path = OpenAIImageGenerator.AppendPath(_endpoint, $"openai/deployments/{Uri.EscapeDataString(deployment)}/images/{operation}");
        return new UriBuilder(path) { Query = "api-version=" + Uri.EscapeDataString(_apiVersion) }.Uri;
    }

    private static Uri NormalizeEndpoint(Uri endpoint)
    {
        UriBuilder builder = new(endpoint) { Query = string.Empty };
        string path = builder.Path.TrimEnd('/');
        foreach (string suffix in (string[])["/openai/v1", "/openai"])
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                path = path[..^suffix.Length];
                break;
            }
        }

        builder.Path = path.Length == 0 ? "/" : path;
        return builder.Uri;
    }
}
