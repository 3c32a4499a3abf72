using System.Globalization;
using System.Text.Json.Serialization.Metadata;

namespace ImageGen.Sdk.Providers;

/// <content>Reading success bodies, downloading result URLs and building images.</content>
public abstract partial class HttpImageGenerator
{
    /// <summary>
    /// Reads a success body through <paramref name="reader"/>, bounded by <see cref="MaxResponseBytes"/> (a larger
    /// Content-Length is refused before any byte is read). The reader signals what went wrong with standard
    /// exceptions, turned into failures that carry the status and request id: <see cref="EndOfStreamException"/>
    /// (the body was cut off) a transient <see cref="ImageGenerationErrorKind.InvalidResponse"/>,
    /// <see cref="FormatException"/> or <see cref="System.Text.Json.JsonException"/> (complete but malformed) a
    /// permanent one; a connection failure is <see cref="ImageGenerationErrorKind.Network"/>.
    /// </summary>
    /// <typeparam name="T">What the reader returns.</typeparam>
    /// <param name="response">The successful response.</param>
    /// <param name="reader">Reads the stream; gets the Content-Length when sent.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>What the reader returned.</returns>
    /// <exception cref="ImageGenerationException">The body is too large, cut off, malformed or unreadable.</exception>
    protected internal async Task<T> ReadBodyAsync<T>(HttpResponseMessage response, Func<Stream, long?, CancellationToken, Task<T>> reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(reader);
        long? length = response.Content.Headers.ContentLength;
        try
        {
            if (length > MaxResponseBytes)
            {
                throw new ResponseTooLargeException();
            }

            Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                // The wrapper owns nothing: disposing the body is enough.
                return await reader(new CappedReadStream(body, MaxResponseBytes), length, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is ResponseTooLargeException or InvalidDataException)
        {
            throw CreateResponseFailure(response, ImageGenerationErrorKind.InvalidResponse, string.Create(CultureInfo.InvariantCulture, $"{ProviderName} returned a response body larger than the {MaxResponseBytes}-byte limit (ImageGeneration:MaxResponseBytes); it was not read further."), innerException: ex);
        }
        catch (EndOfStreamException ex)
        {
            // A cut-off body is worth another try; a complete but malformed one is not.
            throw CreateResponseFailure(response, ImageGenerationErrorKind.InvalidResponse, $"{ProviderName} returned an unreadable response body: {ex.Message}", isTransient: true, innerException: ex);
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException)
        {
            throw CreateResponseFailure(response, ImageGenerationErrorKind.InvalidResponse, $"{ProviderName} returned an unreadable response body: {ex.Message}", isTransient: false, innerException: ex);
        }
        catch (Exception ex) when (TransportFailures.Translate(ProviderName, ex, "reading the response body", Redact, ReadRequestId(response.Headers), ReadRateLimit(response.Headers), cancellationToken) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Reads a success body into an array of exactly its length, as <see cref="ReadBodyAsync{T}"/> does.</summary>
    /// <param name="response">The successful response.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The body.</returns>
    /// <exception cref="ImageGenerationException">The body is too large, shorter than its Content-Length, or unreadable.</exception>
    protected async Task<ReadOnlyMemory<byte>> ReadBodyBytesAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        => await ReadBodyAsync(response, BoundedBody.ReadAllAsync, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads a success body as JSON, as <see cref="ReadBodyAsync{T}"/> does (a cut-off document is transient, a malformed one or <c>null</c> is not).</summary>
    /// <typeparam name="T">The document type.</typeparam>
    /// <param name="response">The successful response.</param>
    /// <param name="typeInfo">Its source-generated type information.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The document.</returns>
    /// <exception cref="ImageGenerationException">The body is too large, cut off, malformed or unreadable.</exception>
    protected Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return ReadBodyAsync(
            response,
            async (stream, length, token) => BoundedBody.Deserialize(await BoundedBody.ReadAllAsync(stream, length, token).ConfigureAwait(false), typeInfo),
            cancellationToken);
    }

    /// <summary>
    /// Downloads an image the provider returned as a URL (or a base64 <c>data:</c> URL) with the transport's download
    /// client: a fresh message without the provider's credentials, at most <see cref="MaxDownloadBytes"/> read.
    /// Download at once: provider URLs expire.
    /// </summary>
    /// <param name="url">The URL.</param>
    /// <param name="requestId">The request id of the call that returned it, carried on failures.</param>
    /// <param name="cancellationToken">The caller's token.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ImageGenerationException">The URL is unusable, the download failed, or the image is above the cap.</exception>
    protected internal Task<ReadOnlyMemory<byte>> DownloadAsync(string url, string? requestId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        return _downloader.DownloadAsync(url, requestId, cancellationToken);
    }

    /// <summary>Builds a <see cref="GeneratedImage"/> whose media type and dimensions come from the bytes (<see cref="ImageHeaderReader"/>), the hints only where the bytes do not tell.</summary>
    /// <param name="data">The encoded image.</param>
    /// <param name="mediaTypeHint">The media type the provider reported or the request asked for.</param>
    /// <param name="sizeHint">The size the provider reported or the request asked for.</param>
    /// <param name="revisedPrompt">The prompt the provider actually used, when it says.</param>
    /// <param name="sourceUri">The URL the image was downloaded from.</param>
    /// <param name="seed">The seed the provider used, when it says.</param>
    /// <returns>The image.</returns>
    protected internal static GeneratedImage CreateImage(ReadOnlyMemory<byte> data, string? mediaTypeHint = null, ImageSize? sizeHint = null, string? revisedPrompt = null, Uri? sourceUri = null, long? seed = null)
    {
        ImageSize? size = ImageHeaderReader.TryReadSize(data.Span, out int width, out int height) ? new ImageSize(width, height) : sizeHint;
        return new GeneratedImage(data, ImageMediaTypes.Detect(data.Span) ?? mediaTypeHint ?? "application/octet-stream")
        {
            Width = size?.Width,
            Height = size?.Height,
            RevisedPrompt = revisedPrompt,
            SourceUri = sourceUri,
            Seed = seed,
        };
    }
}
