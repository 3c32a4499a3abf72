using System.Net.Http.Headers;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>
/// Calls the OpenAI Images API (<c>POST {BaseUrl}/images/generations</c>, and <c>/images/edits</c> for requests with
/// <see cref="ImageGenerationRequest.InputImages"/>, <c>/images/variations</c> for
/// <see cref="ImageGenerationRequest.IsVariation"/>) for DALL·E 2, DALL·E 3 and the GPT image models, or any
/// OpenAI-compatible gateway. One HTTP call per <see cref="HttpImageGenerator.GenerateAsync"/>: retries, rate
/// limiting and key rotation are layers above it. Thread-safe; use one instance per API key.
/// </summary>
/// <remarks>
/// The response is parsed as it streams in: base64 images are decoded from the UTF-8 bytes straight into the
/// result's memory (sized from Content-Length; through pooled buffers for a chunked body), so the only large
/// allocation is the image bytes themselves. The body is capped at
/// <see cref="HttpImageGeneratorOptions.MaxResponseBytes"/>. Images returned as URLs are downloaded at once with
/// a client that never carries the API key, capped at <see cref="HttpImageGeneratorOptions.MaxDownloadBytes"/>.
/// </remarks>
public sealed class OpenAIImageGenerator : HttpImageGenerator
{
    private readonly Uri _editsEndpoint;
    private readonly Uri _variationsEndpoint;
    private readonly string _defaultModel;
    private readonly string? _organization;
    private readonly string? _project;
    private readonly ImageGeneratorMetadata _metadata;

    /// <summary>Initializes a new client.</summary>
    /// <param name="options">The options; copied, later changes have no effect.</param>
    /// <param name="transport">The HTTP clients, logger and clock, for example <c>new ProviderTransport(httpClient)</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="transport"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid (no API key, a blank model, a relative base URL, a non-positive size limit).</exception>
    public OpenAIImageGenerator(OpenAIImageGeneratorOptions options, ProviderTransport transport)
        : base(options, transport)
    {
        Uri baseUrl = options.Validate();
        _defaultModel = options.DefaultModel;
        _organization = options.Organization;
        _project = options.Project;
        Endpoint = AppendPath(baseUrl, "images/generations");
        _editsEndpoint = AppendPath(baseUrl, "images/edits");
        _variationsEndpoint = AppendPath(baseUrl, "images/variations");
        _metadata = new ImageGeneratorMetadata(options.ProviderName, "OpenAI", options.DefaultModel, [.. OpenAIModelCatalog.All], baseUrl);
    }

    /// <summary>Gets the URL generation requests are posted to.</summary>
    public Uri Endpoint { get; }

    /// <inheritdoc />
    protected override ImageGeneratorMetadata Metadata => _metadata;

    /// <summary>Appends a relative path to a base URL, keeping the base path (<c>/v1</c>, <c>/openai/compat</c>) and query.</summary>
    internal static Uri AppendPath(Uri baseUrl, string path)
    {
        UriBuilder builder = new(baseUrl);
        builder.Path = builder.Path.TrimEnd('/') + "/" + path;
        return builder.Uri;
    }

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
        string model = request.Model ?? _defaultModel;
        using HttpRequestMessage message = new(HttpMethod.Post, request.IsVariation ? _variationsEndpoint : isEdit ? _editsEndpoint : Endpoint)
        {
            Content = request.IsVariation ? OpenAIRequestWriter.CreateVariationContent(request, model)
                : isEdit ? OpenAIRequestWriter.CreateEditContent(request, model, model)
                : OpenAIRequestWriter.CreateContent(request, model, model),
        };
        message.Headers.Authorization = new("Bearer", ApiKey);
        if (!string.IsNullOrWhiteSpace(_organization))
        {
            message.Headers.TryAddWithoutValidation("OpenAI-Organization", _organization);
        }

        if (!string.IsNullOrWhiteSpace(_project))
        {
            message.Headers.TryAddWithoutValidation("OpenAI-Project", _project);
        }

        return await OpenAIImagesExchange.SendAsync(this, message, model, request, OpenAIRequestChecks.Warnings(request, model), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override ImageGenerationException CreateError(ProviderErrorResponse response) => OpenAIImagesExchange.CreateError(this, response);

    /// <inheritdoc />
    protected override string? ReadRequestId(HttpResponseHeaders headers) => OpenAIImagesExchange.ReadRequestId(headers);

    /// <inheritdoc />
    protected override ProviderRateLimitInfo? ReadRateLimit(HttpResponseHeaders headers) => OpenAIRateLimitHeaders.Read(headers);
}
