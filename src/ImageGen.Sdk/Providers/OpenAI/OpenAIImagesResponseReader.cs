using System.Buffers;
using System.Text.Json;

namespace ImageGen.Sdk.Providers.OpenAI;

/// <summary>The parsed response: decoded images (by placeholder index) and the small remainder.</summary>
internal sealed class OpenAIParsedResponse
{
    public OpenAIParsedResponse(OpenAIImagesResponse response, IReadOnlyList<byte[]> images)
    {
        Response = response;
        Images = images;
    }

    /// <summary>Gets the response without the base64 payloads.</summary>
    public OpenAIImagesResponse Response { get; }

    /// <summary>Gets the decoded images; <c>data[i].b64_json</c> is <c>"#k"</c> for image k.</summary>
    public IReadOnlyList<byte[]> Images { get; }
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
    }

    /// <summary>Reads and parses the body.</summary>
    /// <param name="body">The response stream.</param>
    /// <param name="contentLength">The Content-Length, when sent, to size the image buffer once.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The parsed response.</returns>
    /// <exception cref="OpenAIResponseFormatException">The body is truncated or malformed.</exception>
    /// <exception cref="IOException">The connection failed while reading.</exception>
    public static async Task<OpenAIParsedResponse> ReadAsync(Stream body, long? contentLength, CancellationToken cancellationToken)
    {
        // Base64 is 4/3 of the bytes; the hint covers the common single-image body in one rental.
        int hint = contentLength is > 0 and < int.MaxValue ? (int)(contentLength.Value * 3 / 4) + 16 : 256 * 1024;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        using Base64ExtractingJsonScanner scanner = new(hint);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                scanner.Feed(chunk.AsSpan(0, read));
            }
        }
        catch (FormatException ex)
        {
            throw new OpenAIResponseFormatException(Failure.Malformed, ex.Message, ex);
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
