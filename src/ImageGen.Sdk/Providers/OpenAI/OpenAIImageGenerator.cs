using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// Calls the OpenAI Images API (<c>POST {BaseUrl}/images/generations</c>, and <c>/images/edits</c> for requests with
/// <see cref="ImageGenerationRequest.InputImages"/>) for DALL·E 2, DALL·E 3 and the GPT image models, or any
/// OpenAI-compatible gateway. One HTTP call per <see cref="GenerateAsync"/>: retries, rate limiting
/// and key rotation are layers above it. Thread-safe; use one instance per API key.
/// </summary>
/// <remarks>
/// The response is parsed as it streams in: base64 images are decoded from the UTF-8 bytes straight into the
/// result's memory (sized from Content-Length; through pooled buffers for a chunked body), so the only large
/// allocation is the image bytes themselves. The body is capped at
/// <see cref="OpenAIImageGeneratorOptions.MaxResponseBytes"/>. Images returned as URLs are downloaded at once with
/// a client that never carries the API key, capped at <see cref="OpenAIImageGeneratorOptions.MaxDownloadBytes"/>.
/// </remarks>
public sealed class OpenAIImageGenerator : IImageGenerator
{
    private readonly OpenAIImageClientCore _core;
    private readonly Uri _endpoint;
    private readonly Uri _editsEndpoint;
    private readonly string _defaultModel;
    private readonly string? _organization;
    private readonly string? _project;
    private readonly ImageGeneratorMetadata _metadata;

    /// <summary>Initializes a new client.</summary>
    /// <param name="httpClient">The client for API calls. Credentials are set per request, so it may be shared.</param>
    /// <param name="options">The options; copied, later changes have no effect.</param>
    /// <param name="downloadClient">The client for image URLs; it must not carry credentials. A private shared client when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for elapsed times and HTTP-date <c>retry-after</c> values.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (no API key, a relative base URL, a non-positive size limit).</exception>
    public OpenAIImageGenerator(
        HttpClient httpClient,
        OpenAIImageGeneratorOptions options,
        HttpClient? downloadClient = null,
        ILogger? logger = null,
        TimeProvider? timeProvider = null)
        : this(OpenAIImageClientCore.ToSource(httpClient), options, downloadClient is null ? null : () => downloadClient, logger, timeProvider)
    {
    }

    /// <summary>
    /// Initializes a client that asks <paramref name="httpClientSource"/> for a client per call, so a long-lived
    /// singleton still follows <see cref="IHttpClientFactory"/> handler rotation (DNS changes).
    /// </summary>
    internal OpenAIImageGenerator(
        Func<HttpClient> httpClientSource,
        OpenAIImageGeneratorOptions options,
        Func<HttpClient>? downloadClient,
        ILogger? logger,
        TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        _core = OpenAIImageClientCore.Create(
            httpClientSource,
            options.ProviderName,
            options.ApiKey,
            options.DefaultModel,
            nameof(options.DefaultModel),
            options.BaseUrl,
            nameof(options.BaseUrl),
            options.MaxDownloadBytes,
            options.MaxResponseBytes,
            downloadClient,
            logger,
            timeProvider);
        _defaultModel = options.DefaultModel;
        _organization = options.Organization;
        _project = options.Project;
        _endpoint = AppendPath(options.BaseUrl, "images/generations");
        _editsEndpoint = AppendPath(options.BaseUrl, "images/edits");
        _metadata = new ImageGeneratorMetadata(options.ProviderName, "OpenAI", options.DefaultModel, [.. OpenAIModelCatalog.All], options.BaseUrl);
    }

    /// <summary>Gets the URL generation requests are posted to.</summary>
    public Uri Endpoint => _endpoint;

    /// <inheritdoc />
    public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool isEdit = OpenAIRequestChecks.ThrowIfUnsupported(request);
        cancellationToken.ThrowIfCancellationRequested();

        string model = request.Model ?? _defaultModel;
        using HttpRequestMessage message = new(HttpMethod.Post, isEdit ? _editsEndpoint : _endpoint)
        {
            Content = isEdit ? OpenAIRequestWriter.CreateEditContent(request, model, model) : OpenAIRequestWriter.CreateContent(request, model, model),
        };
        message.Headers.Authorization = new("Bearer", _core.ApiKey);
        if (!string.IsNullOrWhiteSpace(_organization))
        {
            message.Headers.TryAddWithoutValidation("OpenAI-Organization", _organization);
        }

        if (!string.IsNullOrWhiteSpace(_project))
        {
            message.Headers.TryAddWithoutValidation("OpenAI-Project", _project);
        }

        return await _core.SendAsync(message, new OpenAICallInfo(model, request, OpenAIRequestChecks.Warnings(request, model)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends a relative path to a base URL, keeping the base path (<c>/v1</c>, <c>/openai/compat</c>) and query.</summary>
    internal static Uri AppendPath(Uri baseUrl, string path)
    {
        UriBuilder builder = new(baseUrl);
        builder.Path = builder.Path.TrimEnd('/') + "/" + path;
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
