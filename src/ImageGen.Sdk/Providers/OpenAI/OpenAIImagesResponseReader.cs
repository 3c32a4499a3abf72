using System.Buffers;
using System.Text.Json;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>The parsed response: decoded images (by placeholder index) and the small remainder.</summary>
internal sealed class OpenAIParsedResponse
{
    public OpenAIParsedResponse(OpenAIImagesResponse response, IReadOnlyList<ReadOnlyMemory<byte>> images)
    {
        Response = response;
        Images = images;
    }

    /// <summary>Gets the response without the base64 payloads.</summary>
    public OpenAIImagesResponse Response { get; }

    /// <summary>Gets the decoded images (exact lengths); <c>data[i].b64_json</c> is <c>"#k"</c> for image k.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Images { get; }
}

/// <summary>Reads an Images API success body as it streams in (see <see cref="Base64ExtractingJsonScanner"/>).</summary>
internal static class OpenAIImagesResponseReader
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>The outcome of reading a body that could not be parsed.</summary>
    internal enum Failure
    {
        /// <summary>The body ended before the JSON document did.</summary>
        Truncated,

        /// <summary>The body is complete but not an Images API response.</summary>
        Malformed,

        /// <summary>The body is longer than the configured limit; reading stopped there.</summary>
        TooLarge,
    }

    /// <summary>Reads and parses the body.</summary>
    /// <param name="body">The response stream.</param>
    /// <param name="contentLength">The Content-Length, when sent, to decode the images straight into one array.</param>
    /// <param name="maxBytes">The most body bytes read; a longer body fails with <see cref="Failure.TooLarge"/>.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The parsed response.</returns>
    /// <exception cref="OpenAIResponseFormatException">The body is truncated, malformed or too large.</exception>
    /// <exception cref="IOException">The connection failed while reading.</exception>
    public static async Task<OpenAIParsedResponse> ReadAsync(Stream body, long? contentLength, long maxBytes, CancellationToken cancellationToken)
    {
        if (contentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        using Base64ExtractingJsonScanner scanner = new(contentLength);
        try
        {
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                scanner.Feed(chunk.AsSpan(0, read));
            }
        }
        catch (FormatException ex)
        {
            throw new OpenAIResponseFormatException(Failure.Malformed, ex.Message, ex);
        }
        catch (InvalidDataException ex)
        {
            throw new OpenAIResponseFormatException(Failure.TooLarge, ex.Message, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (scanner.IsIncomplete)
        {
            throw new OpenAIResponseFormatException(Failure.Truncated, "The response body ended before the JSON document did.");
        }

        OpenAIImagesResponse? response;
        try
        {
            Utf8JsonReader reader = new(scanner.Remainder);
            response = JsonSerializer.Deserialize(ref reader, OpenAIJsonContext.Default.OpenAIImagesResponse);
        }
        catch (JsonException ex)
        {
            throw new OpenAIResponseFormatException(Failure.Malformed, "The response body is not a valid Images API response: " + ex.Message, ex);
        }

        return response is null
            ? throw new OpenAIResponseFormatException(Failure.Malformed, "The response body is JSON null.")
            : new OpenAIParsedResponse(response, scanner.Images);
    }

    private static OpenAIResponseFormatException TooLarge(long maxBytes) => new(
        Failure.TooLarge,
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The response body is larger than the {maxBytes}-byte limit (MaxResponseBytes)."));
}

/// <summary>A success body that cannot be read; never escapes the provider client.</summary>
internal sealed class OpenAIResponseFormatException : Exception
{
    public OpenAIResponseFormatException(OpenAIImagesResponseReader.Failure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public OpenAIImagesResponseReader.Failure Failure { get; }
}
