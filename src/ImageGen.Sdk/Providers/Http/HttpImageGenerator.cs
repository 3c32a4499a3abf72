using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Serialization.Metadata;
using ImageGen.Sdk.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.Providers;

/// <summary>
/// The base of an HTTP image provider client. A provider writes its wire format (build the request message, read the
/// success body) and, where its errors need more than the status, its error mapping; this class does the rest the same
/// way for every provider: request checks before any network call, sending with
/// <see cref="HttpCompletionOption.ResponseHeadersRead"/>, bounded body reads, error bodies read safely,
/// transport failures classified, <c>Retry-After</c>, key redaction, credential-free capped downloads, media type and
/// dimensions sniffed from the bytes, logging, timing, progress and <see cref="GetService"/>.
/// </summary>
/// <remarks>
/// One <see cref="GenerateAsync"/> is one provider call (a submit-then-poll provider polls with
/// <see cref="ProviderJobPoller"/> inside it): retry, rate limiting, key rotation and caching are layers above.
/// An instance is bound to one API key and is thread-safe.
/// </remarks>
public abstract partial class HttpImageGenerator : IImageGenerator
{
    private readonly ProviderTransport _transport;
    private readonly SecretRedactor _redactor;
    private readonly ImageDownloader _downloader;

    /// <summary>Initializes the client, checking the shared options (key, provider name, limits).</summary>
    /// <param name="options">The options; the values are read now, later changes have no effect.</param>
    /// <param name="transport">The HTTP clients, logger and clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="transport"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The key or provider name is blank, or a size limit is not positive.</exception>
    protected HttpImageGenerator(HttpImageGeneratorOptions options, ProviderTransport transport)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        options.ValidateShared();
        ProviderName = options.ProviderName;
        ApiKey = options.ApiKey!.Trim();
        MaxResponseBytes = options.MaxResponseBytes;
        MaxDownloadBytes = options.MaxDownloadBytes;
        Logger = transport.Logger ?? NullLogger.Instance;
        TimeProvider = transport.TimeProvider ?? TimeProvider.System;
        _transport = transport;
        _redactor = new SecretRedactor(ApiKey);
        _downloader = new ImageDownloader(ProviderName, transport, MaxDownloadBytes, Logger, Redact);
    }

    /// <summary>
    /// Initializes a client configured by <c>AddImageGeneration()</c>: the provider name, the key and the size limits
    /// come from <paramref name="context"/>, and the transport is <see cref="ImageProviderContext.CreateTransport"/>
    /// (the provider's named <c>HttpClient</c>, logger and clock). With this constructor a provider is one class,
    /// registered with <c>AddProviderType("Acme", context =&gt; new AcmeImageGenerator(context))</c>; read
    /// <c>context.Options.BaseUrl</c> and <c>DefaultModel</c> in the derived constructor.
    /// </summary>
    /// <param name="context">The provider name, options, key and services.</param>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The context has no key.</exception>
    protected HttpImageGenerator(ImageProviderContext context)
        : this(new ContextHttpImageGeneratorOptions(context ?? throw new ArgumentNullException(nameof(context))), context.CreateTransport())
    {
    }

    /// <summary>Gets the configured provider name, reported in results, exceptions and logs.</summary>
    public string ProviderName { get; }

    /// <summary>Gets the API key, trimmed; put it on each request message (never on the <see cref="HttpClient"/>).</summary>
    protected string ApiKey { get; }

    /// <summary>Gets the largest API response body read, in bytes.</summary>
    protected long MaxResponseBytes { get; }

    /// <summary>Gets the largest image downloaded from a result URL, in bytes.</summary>
    protected long MaxDownloadBytes { get; }

    /// <summary>Gets the logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>Gets the clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Gets what this client is: provider, default model, known models, endpoint (the answer to <see cref="GetService"/>).</summary>
    protected abstract ImageGeneratorMetadata Metadata { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The request is one the provider is known to refuse; nothing was sent.</exception>
    public async Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateRequest(request);
        cancellationToken.ThrowIfCancellationRequested();
        string model = request.Model ?? Metadata.DefaultModel;
        ProviderHttpLog.RequestSent(Logger, ProviderName, model, request.Count);
        long started = TimeProvider.GetTimestamp();
        ImageGenerationResult result;
        try
        {
            result = await GenerateCoreAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ImageGenerationException ex)
        {
            ProviderHttpLog.RequestFailed(Logger, ProviderName, model, ex.Kind, ex.StatusCode, ex.ProviderErrorCode, ex.ProviderRequestId, ex.IsTransient);
            throw;
        }

        TimeSpan elapsed = TimeProvider.GetElapsedTime(started);
        if (Logger.IsEnabled(LogLevel.Debug))
        {
            long bytes = result.Images.Sum(i => (long)i.Data.Length);
            ProviderHttpLog.ResponseParsed(Logger, ProviderName, result.Model, result.Images.Count, bytes, result.ProviderRequestId, (long)elapsed.TotalMilliseconds);
        }

        ReportProgress(request, ImageGenerationProgress.Done());
        return new ImageGenerationResult(result) { Elapsed = elapsed };
    }

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ImageGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Makes the provider call (or the submit and polls of a job) and builds the result.</summary>
    /// <param name="request">The request, already checked by <see cref="ValidateRequest"/>.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The result; its <see cref="ImageGenerationResult.Elapsed"/> is set by the caller.</returns>
    /// <exception cref="ImageGenerationException">The provider failed.</exception>
    protected abstract Task<ImageGenerationResult> GenerateCoreAsync(ImageGenerationRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Refuses, before any network call, a request the provider is known to refuse: the checks every request passes
    /// (<see cref="ValidatingImageGenerator.Validate"/> without a catalog: prompt, <c>Count</c> 1..10, …) and, for a
    /// model in <see cref="Metadata"/>, its per-call image limit, sizes and aspect ratios. Override to add the
    /// provider's own rules (call the base first).
    /// </summary>
    /// <param name="request">The request.</param>
    /// <exception cref="ArgumentException">The request is invalid; the message names the field and what is accepted.</exception>
    protected virtual void ValidateRequest(ImageGenerationRequest request)
    {
        ValidatingImageGenerator.Validate(request, catalog: null);
        ImageModelCapabilities? known = Metadata.GetModel(request.Model);
        ValidatingImageGenerator.ValidateVariationSupport(request, ProviderName, known, Metadata.Models);
        if (known is not { } model)
        {
            return;
        }

        if (request.Count > model.MaxImagesPerCall)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{ProviderName} model '{model.Model}' returns at most {model.MaxImagesPerCall} image(s) per call; Count was {request.Count}. Compose with UseCountSplitting() to split larger counts."),
                $"{nameof(request)}.{nameof(request.Count)}");
        }

        if (request.Size is { } size && !model.SupportsSize(size))
        {
            throw new ArgumentException(
                $"Size {size} is not supported by {ProviderName} model '{model.Model}'. Supported sizes: {model.DescribeSupportedSizes()}.",
                $"{nameof(request)}.{nameof(request.Size)}");
        }

        if (request.AspectRatio is { } ratio && model.SupportedAspectRatios.Count > 0 && !model.SupportedAspectRatios.Contains(ratio, StringComparer.Ordinal))
        {
            throw new ArgumentException(
                $"AspectRatio {ratio} is not supported by {ProviderName} model '{model.Model}'. Supported: {string.Join(", ", model.SupportedAspectRatios)}.",
                $"{nameof(request)}.{nameof(request.AspectRatio)}");
        }
    }

    /// <summary>
    /// Sends a request once with <see cref="HttpCompletionOption.ResponseHeadersRead"/>. A transport failure becomes a
    /// <see cref="ImageGenerationErrorKind.Timeout"/> or <see cref="ImageGenerationErrorKind.Network"/>; an error
    /// status has its body read (capped) and is thrown as <see cref="CreateError(ProviderErrorResponse)"/> says.
    /// </summary>
    /// <param name="request">The request message with URL, credentials and body; the caller disposes it.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The successful response, its body not read yet; the caller disposes it.</returns>
    /// <exception cref="ImageGenerationException">The call failed.</exception>
    protected internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        long started = TimeProvider.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await _transport.GetHttpClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransportFailures.Translate(ProviderName, ex, "sending the request", Redact, null, null, cancellationToken) is { } translated)
        {
            throw translated;
        }

        string? requestId = ReadRequestId(response.Headers);
        if (Logger.IsEnabled(LogLevel.Debug))
        {
            long headersMs = (long)TimeProvider.GetElapsedTime(started).TotalMilliseconds;
            ProviderHttpLog.ResponseReceived(Logger, ProviderName, (int)response.StatusCode, requestId, headersMs);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            ProviderErrorResponse error = await ReadErrorAsync(response, requestId, cancellationToken).ConfigureAwait(false);
            throw CreateError(error);
        }
    }

    /// <summary>Removes this client's key and anything shaped like a provider key from provider-written text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text with keys replaced by fingerprints.</returns>
    protected string Redact(string text) => text is null ? string.Empty : _redactor.Redact(text);

    /// <summary>Reports progress to <see cref="ImageGenerationRequest.Progress"/>, with this provider's name.</summary>
    /// <param name="request">The request.</param>
    /// <param name="progress">The report.</param>
    protected internal void ReportProgress(ImageGenerationRequest request, ImageGenerationProgress progress)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(progress);
        request.Progress?.Report(progress with { Provider = ProviderName });
    }
}
