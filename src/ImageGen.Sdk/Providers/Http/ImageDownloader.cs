using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk.Providers;

/// <summary>
/// Downloads images a provider returned as URLs (or <c>data:</c> URLs) with the transport's download client: a fresh
/// request message that never carries the provider's credentials, capped at <c>MaxDownloadBytes</c>.
/// </summary>
internal sealed class ImageDownloader
{
    private readonly string _provider;
    private readonly ProviderTransport _transport;
    private readonly long _maxBytes;
    private readonly ILogger _logger;
    private readonly Func<string, string> _redact;

    public ImageDownloader(string provider, ProviderTransport transport, long maxBytes, ILogger logger, Func<string, string> redact)
    {
        _provider = provider;
        _transport = transport;
        _maxBytes = maxBytes;
        _logger = logger;
        _redact = redact;
    }

    /// <summary>Downloads one image.</summary>
    /// <param name="url">The URL the provider returned.</param>
    /// <param name="requestId">The provider's request id of the call that returned it.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ImageGenerationException">The URL is unusable, the download failed, or the image is above the cap.</exception>
    public async Task<ReadOnlyMemory<byte>> DownloadAsync(string url, string? requestId, CancellationToken cancellationToken)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            return DecodeDataUrl(url, requestId);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw Invalid("returned an image URL that is not an absolute http(s) URL", requestId);
        }

        // Only the host: a signed URL's query string is a credential too.
        ProviderHttpLog.DownloadingUrl(_logger, _provider, uri.Host, requestId);
        using HttpRequestMessage request = new(HttpMethod.Get, uri);
        HttpResponseMessage response;
        try
        {
            response = await _transport.GetDownloadClient().SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (TransportFailures.Translate(_provider, ex, "downloading the image", _redact, requestId, null, cancellationToken) is { } translated)
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

            if (response.Content.Headers.ContentLength > _maxBytes)
            {
                throw TooLarge(requestId);
            }

            try
            {
                Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    using PooledByteBuffer buffer = new((int)Math.Min(response.Content.Headers.ContentLength ?? 256 * 1024, _maxBytes));
                    return await BoundedBody.CopyAsync(body, buffer, _maxBytes, cancellationToken).ConfigureAwait(false)
                        ? buffer.ToArray()
                        : throw TooLarge(requestId);
                }
            }
            catch (Exception ex) when (TransportFailures.Translate(_provider, ex, "downloading the image", _redact, requestId, null, cancellationToken) is { } translated)
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
        if ((long)base64.Length * 3 / 4 > _maxBytes)
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
        string.Create(CultureInfo.InvariantCulture, $"The image {_provider} returned as a URL is larger than the {_maxBytes}-byte download limit (ImageGeneration:MaxDownloadBytes)."))
    {
        Provider = _provider,
        ProviderRequestId = requestId,
    };

    private ImageGenerationException Invalid(string what, string? requestId) => new(ImageGenerationErrorKind.InvalidResponse, $"{_provider} {what}.")
    {
        Provider = _provider,
        ProviderRequestId = requestId,
    };
}
