using ImageGen.Sdk.Providers.OpenAI;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Providers.AzureOpenAI;

/// <summary>
/// Calls Azure OpenAI image generation:
/// <c>POST {endpoint}/openai/deployments/{deployment}/images/generations?api-version={v}</c> with an <c>api-key</c>
/// header, or the v1 route <c>{endpoint}/openai/v1/images/generations</c> with <c>model</c> when no deployment is
/// configured (<c>/images/edits</c> likewise for requests with input images). One HTTP call per <see cref="GenerateAsync"/>; thread-safe; one instance per key.
/// </summary>
/// <remarks>
/// A request's <see cref="ImageGenerationRequest.Model"/> names the deployment (Azure routes by deployment, not
/// model); the result reports that deployment name as its model. Response parsing and error classification are
/// shared with <see cref="OpenAIImageGenerator"/>, plus Azure's content-filter <c>inner_error</c> and the
/// "Please retry after N seconds" rate-limit message.
/// </remarks>
public sealed class AzureOpenAIImageGenerator : IImageGenerator
{
    private readonly OpenAIImageClientCore _core;
    private readonly Uri _endpoint;
    private readonly string? _deployment;
    private readonly string _apiVersion;
    private readonly string? _model;
    private readonly ImageGeneratorMetadata _metadata;

    /// <summary>Initializes a new client.</summary>
    /// <param name="httpClient">The client for API calls. Credentials are set per request, so it may be shared.</param>
    /// <param name="options">The options; copied, later changes have no effect.</param>
    /// <param name="downloadClient">The client for image URLs; it must not carry credentials. A private shared client when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for elapsed times and HTTP-date <c>retry-after</c> values.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (no key, no absolute endpoint, a blank api-version).</exception>
    public AzureOpenAIImageGenerator(
        HttpClient httpClient,
        AzureOpenAIImageGeneratorOptions options,
        HttpClient? downloadClient = null,
        ILogger? logger = null,
        TimeProvider? timeProvider = null)
        : this(OpenAIImageClientCore.ToSource(httpClient), options, downloadClient is null ? null : () => downloadClient, logger, timeProvider)
    {
    }

    /// <summary>Initializes a client that asks <paramref name="httpClientSource"/> for a client per call (handler rotation).</summary>
    internal AzureOpenAIImageGenerator(
        Func<HttpClient> httpClientSource,
        AzureOpenAIImageGeneratorOptions options,
        Func<HttpClient>? downloadClient,
        ILogger? logger,
        TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _core = OpenAIImageClientCore.Create(
            httpClientSource,
            options.ProviderName,
            options.ApiKey,
            options.ApiVersion,
            nameof(options.ApiVersion),
            options.Endpoint,
            nameof(options.Endpoint),
            options.MaxDownloadBytes,
            options.MaxResponseBytes,
            downloadClient,
            logger,
            timeProvider);
        _deployment = string.IsNullOrWhiteSpace(options.Deployment) ? null : options.Deployment.Trim();
        _apiVersion = options.ApiVersion.Trim();
        _model = string.IsNullOrWhiteSpace(options.Model) ? null : options.Model.Trim();
        _endpoint = NormalizeEndpoint(options.Endpoint);
        List<ImageModelCapabilities> models = [.. OpenAIModelCatalog.All];
        if (_deployment is not null && OpenAIModelCatalog.Find(_model ?? _deployment) is { } underlying)
        {
            models.Add(OpenAIModelCatalog.Rename(underlying, _deployment));
        }

        _metadata = new ImageGeneratorMetadata(options.ProviderName, "AzureOpenAI", _deployment ?? _model ?? OpenAIModelCatalog.DefaultModel, models, _endpoint);
    }

    /// <inheritdoc />
    public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool isEdit = OpenAIRequestChecks.ThrowIfUnsupported(request);
        cancellationToken.ThrowIfCancellationRequested();
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
        message.Headers.TryAddWithoutValidation("api-key", _core.ApiKey);
        return await _core.SendAsync(message, new OpenAICallInfo(name, request, OpenAIRequestChecks.Warnings(request, ModelBehind(name))), cancellationToken).ConfigureAwait(false);
    }

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

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ImageGeneratorMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }
}
