using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>What the caller asked for, to fill in what the response leaves out.</summary>
/// <param name="Model">The model (or Azure deployment) reported in the result.</param>
/// <param name="Request">The request.</param>
/// <param name="Warnings">Notes to attach to the result.</param>
internal sealed record OpenAICallInfo(string Model, ImageGenerationRequest Request, IReadOnlyList<string> Warnings);

/// <summary>
/// The HTTP exchange shared by the OpenAI and Azure OpenAI clients: send once, stream-parse the body, download URL
/// results without credentials, and classify every failure into an <see cref="ImageGenerationException"/>.
/// Callers build the request message (URL, credentials, body); this type never sees how they authenticate.
/// </summary>
internal sealed partial class OpenAIImageClientCore
{
    /// <summary>The default <c>MaxResponseBytes</c>: ten 3840x2160 RGBA PNGs that do not compress at all, as base64, fit.</summary>
    internal const long DefaultMaxResponseBytes = 512L * 1024 * 1024;

    private const int MaxErrorBodyBytes = 256 * 1024;

    private static readonly Lazy<HttpClient> DefaultDownloadClient = new(() => new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        AutomaticDecompression = DecompressionMethods.All,
    }));

    private readonly string _provider;
    private readonly Func<HttpClient> _httpClient;
    private readonly Func<HttpClient>? _downloadClient;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly long _maxDownloadBytes;
    private readonly long _maxResponseBytes;

    private OpenAIImageClientCore(
        string provider,
        Func<HttpClient> httpClient,
        Func<HttpClient>? downloadClient,
        ILogger? logger,
        TimeProvider? timeProvider,
        long maxDownloadBytes,
        long maxResponseBytes,
        string apiKey)
    {
        _provider = provider;
        _httpClient = httpClient;
        _downloadClient = downloadClient;
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _maxDownloadBytes = maxDownloadBytes;
        _maxResponseBytes = maxResponseBytes;
        ApiKey = apiKey;
    }

    /// <summary>Gets the API key, trimmed; the clients put it on each request message their own way.</summary>
    public string ApiKey { get; }

    /// <summary>
    /// Checks the settings both public clients share and creates the core. The checks run in the order the clients
    /// always ran them (key, provider name, the client's own required setting, URL, download limit, response
    /// limit), so the first problem reported for a bad configuration does not depend on which client reads it.
    /// </summary>
    /// <param name="httpClientSource">Gives the client for API calls, per call.</param>
    /// <param name="providerName">The configured provider name.</param>
    /// <param name="apiKey">The configured API key.</param>
    /// <param name="requiredSetting">The client's own required setting (OpenAI's <c>DefaultModel</c>, Azure's <c>ApiVersion</c>).</param>
    /// <param name="requiredSettingName">Its property name on the options.</param>
    /// <param name="url">The base URL or endpoint.</param>
    /// <param name="urlSettingName">Its property name on the options (<c>BaseUrl</c>, <c>Endpoint</c>).</param>
    /// <param name="maxDownloadBytes">The download limit.</param>
    /// <param name="maxResponseBytes">The limit on an API response body.</param>
    /// <param name="downloadClient">Gives the client for image URLs; a private shared client when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <returns>The core.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="httpClientSource"/> or <paramref name="url"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A setting is blank, the URL is not absolute http(s), or a size limit is not positive.</exception>
    public static OpenAIImageClientCore Create(
        Func<HttpClient> httpClientSource,
        string? providerName,
        string? apiKey,
        string? requiredSetting,
        string requiredSettingName,
        [NotNull] Uri? url,
        string urlSettingName,
        long maxDownloadBytes,
        long maxResponseBytes,
        Func<HttpClient>? downloadClient,
        ILogger? logger,
        TimeProvider? timeProvider)
    {
        // Parameter names as the public constructors' callers see them: both name their options "options".
        ArgumentNullException.ThrowIfNull(httpClientSource);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey, "options.ApiKey");
        ArgumentException.ThrowIfNullOrWhiteSpace(providerName, "options.ProviderName");
        ArgumentException.ThrowIfNullOrWhiteSpace(requiredSetting, "options." + requiredSettingName);
        ArgumentNullException.ThrowIfNull(url, "options." + urlSettingName);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"{urlSettingName} '{url}' is not an absolute http(s) URL.", "options." + urlSettingName);
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxDownloadBytes, "options.MaxDownloadBytes");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDownloadBytes, Array.MaxLength, "options.MaxDownloadBytes");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxResponseBytes, "options.MaxResponseBytes");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxResponseBytes, Array.MaxLength, "options.MaxResponseBytes");
        return new OpenAIImageClientCore(providerName, httpClientSource, downloadClient, logger, timeProvider, maxDownloadBytes, maxResponseBytes, apiKey.Trim());
    }

    /// <summary>Wraps a fixed client as a per-call source, checking it first (the public constructors' first argument).</summary>
    /// <param name="httpClient">The client.</param>
    /// <returns>A source that always returns <paramref name="httpClient"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is <see langword="null"/>.</exception>
    public static Func<HttpClient> ToSource(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        return () => httpClient;
    }

    /// <summary>Sends the request once and returns the images.</summary>
    /// <param name="message">The request, with URL, credentials and body set; disposed by the caller.</param>
    /// <param name="call">What was asked for.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The result.</returns>
    public async Task<ImageGenerationResult> SendAsync(HttpRequestMessage message, OpenAICallInfo call, CancellationToken cancellationToken)
    {
        long started = _timeProvider.GetTimestamp();
        OpenAILog.RequestSent(_logger, _provider, call.Model, call.Request.Count);
        HttpResponseMessage response;
        try
        {
            response = await _httpClient().SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, null, "sending the request", cancellationToken) is { } translated)
        {
            throw Fail(translated, call);
        }

        using (response)
        {
            string? requestId = RequestId(response);

            // Read before anything can fail: a failed call spent the key's allowance too, and the layers above
            // slow down from what the headers say.
            ProviderRateLimitInfo? rateLimit = OpenAIRateLimitHeaders.Read(response.Headers);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                long headersMs = (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds;
                OpenAILog.ResponseReceived(_logger, _provider, call.Model, (int)response.StatusCode, requestId, headersMs);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw Fail(await CreateErrorAsync(response, requestId, rateLimit, cancellationToken).ConfigureAwait(false), call);
            }

            OpenAIParsedResponse parsed;
            try
            {
                Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    parsed = await OpenAIImagesResponseReader.ReadAsync(body, response.Content.Headers.ContentLength, _maxResponseBytes, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OpenAIResponseFormatException ex)
            {
                bool truncated = ex.Failure == OpenAIImagesResponseReader.Failure.Truncated;
                string description = ex.Failure == OpenAIImagesResponseReader.Failure.TooLarge
                    ? string.Create(CultureInfo.InvariantCulture, $"{_provider} returned a response body larger than the {_maxResponseBytes}-byte limit (ImageGeneration:MaxResponseBytes); it was not read further.")
                    : $"{_provider} returned an unreadable response body: {ex.Message}";
                throw Fail(
                    new ImageGenerationException(ImageGenerationErrorKind.InvalidResponse, description, ex)
                    {
                        Provider = _provider,
                        StatusCode = (int)response.StatusCode,
                        ProviderRequestId = requestId,
                        RateLimit = rateLimit,

                        // A cut-off body is worth another try; a complete but malformed one is not.
                        IsTransient = truncated,
                    },
                    call);
            }
            catch (Exception ex) when (Translate(ex, requestId, "reading the response body", cancellationToken, rateLimit) is { } translated)
            {
                throw Fail(translated, call);
            }

            List<GeneratedImage> images = await BuildImagesAsync(parsed, call, requestId, rateLimit, cancellationToken).ConfigureAwait(false);
            TimeSpan elapsed = _timeProvider.GetElapsedTime(started);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                long byteCount = images.Sum(i => (long)i.Data.Length);
                OpenAILog.ResponseParsed(_logger, _provider, call.Model, images.Count, byteCount, requestId, (long)elapsed.TotalMilliseconds);
            }

            return new ImageGenerationResult(images, _provider, call.Model)
            {
                Usage = MapUsage(parsed.Response.Usage),
                ProviderRequestId = requestId,
                Elapsed = elapsed,
                Attempts = 1,
                Warnings = call.Warnings,
                RateLimit = rateLimit,
            };
        }
    }

    /// <summary>Removes the configured key and anything shaped like an OpenAI key from provider-written text.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text with keys replaced by fingerprints.</returns>
    internal string Redact(string text)
    {
        if (text.Contains(ApiKey, StringComparison.Ordinal))
        {
            text = text.Replace(ApiKey, Fingerprint(ApiKey), StringComparison.Ordinal);
        }

        return KeyLikeToken().Replace(text, m => Fingerprint(m.Value));
    }

    private static string Fingerprint(string key) => key.Length <= 8 ? "***" : string.Concat(key.AsSpan(0, 3), "…", key.AsSpan(key.Length - 4));

    private static string? RequestId(HttpResponseMessage response)
        => response.Headers.TryGetValues("x-request-id", out IEnumerable<string>? ids) || response.Headers.TryGetValues("apim-request-id", out ids)
            ? ids.FirstOrDefault()
            : null;

    private static ImageUsage? MapUsage(OpenAIImageUsage? usage) => usage is null ? null : new ImageUsage
    {
        InputTokens = usage.InputTokens,
        OutputTokens = usage.OutputTokens,
        TotalTokens = usage.TotalTokens,
        InputTextTokens = usage.InputTokensDetails?.TextTokens,
        InputImageTokens = usage.InputTokensDetails?.ImageTokens,
    };

    private ImageGenerationException Fail(ImageGenerationException exception, OpenAICallInfo call)
    {
        OpenAILog.RequestFailed(_logger, _provider, call.Model, exception.Kind, exception.StatusCode, exception.ProviderErrorCode, exception.ProviderRequestId, exception.IsTransient);
        return exception;
    }

    /// <summary>Maps a transport failure; returns <see langword="null"/> (rethrow as is) for the caller's cancellation.</summary>
    private ImageGenerationException? Translate(Exception exception, string? requestId, string stage, CancellationToken cancellationToken, ProviderRateLimitInfo? rateLimit = null)
    {
        return exception switch
        {
            OperationCanceledException when cancellationToken.IsCancellationRequested => null,
            OperationCanceledException => new ImageGenerationException(ImageGenerationErrorKind.Timeout, $"{_provider} timed out while {stage}.", exception)
            {
                Provider = _provider,
                ProviderRequestId = requestId,
                RateLimit = rateLimit,
            },
            HttpRequestException or IOException => new ImageGenerationException(
                ImageGenerationErrorKind.Network,
                $"{_provider} could not be reached or the connection failed while {stage}: {Redact(exception.Message)}",
                exception)
            {
                Provider = _provider,
                ProviderRequestId = requestId,
                RateLimit = rateLimit,
            },
            _ => null,
        };
    }

    private async Task<ImageGenerationException> CreateErrorAsync(HttpResponseMessage response, string? requestId, ProviderRateLimitInfo? rateLimit, CancellationToken cancellationToken)
    {
        OpenAIError? error = null;
        try
        {
            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                using PooledByteBuffer buffer = new(4096);
                await ReadCappedAsync(body, buffer, MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
                error = TryParseError(buffer.WrittenSpan);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
        {
            // The status alone still classifies the failure; an unreadable error body adds nothing.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Same: a time-out while reading an error body must not hide the error itself.
        }

        return OpenAIErrorClassifier.Create(_provider, response.StatusCode, response.Headers, error, requestId, _timeProvider, Redact, rateLimit);
    }

    private static OpenAIError? TryParseError(ReadOnlySpan<byte> body)
    {
        try
        {
            return body.IsEmpty ? null : JsonSerializer.Deserialize(body, OpenAIJsonContext.Default.OpenAIErrorEnvelope)?.Error;
        }
        catch (JsonException)
        {
            // HTML from a gateway or load balancer: classified by status alone.
            return null;
        }
    }

    private async Task<List<GeneratedImage>> BuildImagesAsync(OpenAIParsedResponse parsed, OpenAICallInfo call, string? requestId, ProviderRateLimitInfo? rateLimit, CancellationToken cancellationToken)
    {
        OpenAIImagesResponse response = parsed.Response;
        if (response.Data is not { Count: > 0 } data)
        {
            throw Fail(
                new ImageGenerationException(ImageGenerationErrorKind.InvalidResponse, $"{_provider} returned no images.")
                {
                    Provider = _provider,
                    StatusCode = 200,
                    ProviderRequestId = requestId,
                    RateLimit = rateLimit,
                },
                call);
        }

        ImageSize? reportedSize = ImageSize.TryParse(response.Size, out ImageSize parsedSize) ? parsedSize : null;
        Task<ReadOnlyMemory<byte>>[] bytes = new Task<ReadOnlyMemory<byte>>[data.Count];
        for (int i = 0; i < data.Count; i++)
        {
            OpenAIImageData item = data[i];
            if (TryGetDecoded(item.Base64Json, parsed.Images, out ReadOnlyMemory<byte> decoded))
            {
                bytes[i] = Task.FromResult(decoded);
            }
            else if (!string.IsNullOrWhiteSpace(item.Url))
            {
                Uri? host = Uri.TryCreate(item.Url, UriKind.Absolute, out Uri? u) ? u : null;
                OpenAILog.DownloadingUrl(_logger, _provider, call.Model, i, host?.IsAbsoluteUri == true && host.Scheme != "data" ? host.Host : "a data URL", requestId);
                bytes[i] = DownloadAsync(item.Url, requestId, cancellationToken);
            }
            else
            {
                throw Fail(
                    new ImageGenerationException(ImageGenerationErrorKind.InvalidResponse, string.Create(CultureInfo.InvariantCulture, $"{_provider} returned image {i} with neither b64_json nor url."))
                    {
                        Provider = _provider,
                        StatusCode = 200,
                        ProviderRequestId = requestId,
                        RateLimit = rateLimit,
                    },
                    call);
            }
        }

        ReadOnlyMemory<byte>[] all;
        try
        {
            all = await Task.WhenAll(bytes).ConfigureAwait(false);
        }
        catch (ImageGenerationException ex)
        {
            throw Fail(ex, call);
        }

        List<GeneratedImage> images = new(all.Length);
        for (int i = 0; i < all.Length; i++)
        {
            ReadOnlyMemory<byte> image = all[i];
            if (image.IsEmpty)
            {
                throw Fail(
                    new ImageGenerationException(ImageGenerationErrorKind.InvalidResponse, string.Create(CultureInfo.InvariantCulture, $"{_provider} returned image {i} with no bytes."))
                    {
                        Provider = _provider,
                        StatusCode = 200,
                        ProviderRequestId = requestId,
                        RateLimit = rateLimit,
                    },
                    call);
            }

            ImageSize? size = ImageHeaderReader.TryReadSize(image.Span, out int width, out int height)
                ? new ImageSize(width, height)
                : reportedSize ?? call.Request.Size;
            string mediaType = ImageMediaTypes.Detect(image.Span)
                ?? ImageMediaTypes.FromExtension(response.OutputFormat ?? call.Request.OutputFormat?.Value)
                ?? "application/octet-stream";
            string? url = data[i].Url;
            images.Add(new GeneratedImage(image, mediaType)
            {
                Width = size?.Width,
                Height = size?.Height,
                RevisedPrompt = data[i].RevisedPrompt,
                SourceUri = url is not null && !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(url, UriKind.Absolute, out Uri? source) ? source : null,
            });
        }

        return images;
    }

    private static bool TryGetDecoded(string? placeholder, IReadOnlyList<ReadOnlyMemory<byte>> images, out ReadOnlyMemory<byte> image)
    {
        if (placeholder is ['#', .. string index]
            && int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k < images.Count)
        {
            image = images[k];
            return true;
        }

        image = default;
        return false;
    }

    private async Task<ReadOnlyMemory<byte>> DownloadAsync(string url, string? requestId, CancellationToken cancellationToken)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return DecodeDataUrl(url, requestId);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw Invalid("returned an image URL that is not an absolute http(s) URL", requestId);
        }

        // A fresh message with no credentials: the provider's key must never reach the result host.
        using HttpRequestMessage request = new(HttpMethod.Get, uri);
        HttpResponseMessage response;
        try
        {
            response = await (_downloadClient?.Invoke() ?? DefaultDownloadClient.Value).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, requestId, "downloading the image", cancellationToken) is { } translated)
        {
            throw translated;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                int status = (int)response.StatusCode;
                throw new ImageGenerationException(
                    status >= 500 ? ImageGenerationErrorKind.ServerError : ImageGenerationErrorKind.InvalidResponse,
                    string.Create(CultureInfo.InvariantCulture, $"Downloading the image {_provider} returned failed with HTTP {status} (the URL may have expired)."))
                {
                    Provider = _provider,
                    StatusCode = status,
                    ProviderRequestId = requestId,
                };
            }

            if (response.Content.Headers.ContentLength > _maxDownloadBytes)
            {
                throw TooLarge(requestId);
            }

            try
            {
                Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    using PooledByteBuffer buffer = new((int)Math.Min(response.Content.Headers.ContentLength ?? 256 * 1024, _maxDownloadBytes));
                    if (!await ReadCappedAsync(body, buffer, _maxDownloadBytes, cancellationToken).ConfigureAwait(false))
                    {
                        throw TooLarge(requestId);
                    }

                    return buffer.ToArray();
                }
            }
            catch (Exception ex) when (Translate(ex, requestId, "downloading the image", cancellationToken) is { } translated)
            {
                throw translated;
            }
        }
    }

    private ReadOnlyMemory<byte> DecodeDataUrl(string url, string? requestId)
    {
        int comma = url.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0 || !url.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid("returned a data URL that is not base64", requestId);
        }

        ReadOnlySpan<char> base64 = url.AsSpan(comma + 1);
        if ((long)base64.Length * 3 / 4 > _maxDownloadBytes)
        {
            throw TooLarge(requestId);
        }

        byte[] decoded = new byte[(base64.Length * 3) / 4];
        return Convert.TryFromBase64Chars(base64, decoded, out int written)
            ? decoded.AsMemory(0, written)
            : throw Invalid("returned a data URL with invalid base64", requestId);
    }

    private ImageGenerationException TooLarge(string? requestId) => new(
        ImageGenerationErrorKind.InvalidResponse,
        string.Create(CultureInfo.InvariantCulture, $"The image {_provider} returned as a URL is larger than the {_maxDownloadBytes}-byte download limit (ImageGeneration:MaxDownloadBytes)."))
    {
        Provider = _provider,
        ProviderRequestId = requestId,
    };

    private ImageGenerationException Invalid(string what, string? requestId) => new(ImageGenerationErrorKind.InvalidResponse, $"{_provider} {what}.")
    {
        Provider = _provider,
        ProviderRequestId = requestId,
    };

    /// <summary>Copies at most <paramref name="limit"/> bytes; returns <see langword="false"/> when the body is longer.</summary>
    private static async Task<bool> ReadCappedAsync(Stream body, PooledByteBuffer buffer, long limit, CancellationToken cancellationToken)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, 64 * 1024), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + (long)read > limit)
                {
                    buffer.Append(chunk.AsSpan(0, (int)(limit - buffer.Length)));
                    return false;
                }

                buffer.Append(chunk.AsSpan(0, read));
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    [GeneratedRegex(@"\b(?:sk|sess|pk)-[A-Za-z0-9_\-\*]{12,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex KeyLikeToken();
}
