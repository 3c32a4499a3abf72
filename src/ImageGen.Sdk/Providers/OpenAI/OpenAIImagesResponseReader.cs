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

/// <summary>
/// Reads an Images API success body as it streams in (see <see cref="Base64ExtractingJsonScanner"/>). It signals
/// failures the way <see cref="HttpImageGenerator.ReadBodyAsync{T}"/> expects; the toolkit bounds the stream.
/// </summary>
internal static class OpenAIImagesResponseReader
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Reads and parses the body.</summary>
    /// <param name="body">The response stream (bounded by the toolkit).</param>
    /// <param name="contentLength">The Content-Length, when sent, to decode the images straight into one array.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The parsed response.</returns>
    /// <exception cref="EndOfStreamException">The body ended before the JSON document did.</exception>
    /// <exception cref="FormatException">The body is complete but not an Images API response.</exception>
    /// <exception cref="IOException">The connection failed while reading.</exception>
    public static async Task<OpenAIParsedResponse> ReadAsync(Stream body, long? contentLength, CancellationToken cancellationToken)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        using Base64ExtractingJsonScanner scanner = new(contentLength);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                scanner.Feed(chunk.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (scanner.IsIncomplete)
        {
            throw new EndOfStreamException("The response body ended before the JSON document did.");
        }

        OpenAIImagesResponse? response;
        try
        {
            Utf8JsonReader reader = new(scanner.Remainder);
            response = JsonSerializer.Deserialize(ref reader, OpenAIJsonContext.Default.OpenAIImagesResponse);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The response body is not a valid Images API response: " + ex.Message, ex);
        }

        return response is null
            ? throw new FormatException("The response body is JSON null.")
            : new OpenAIParsedResponse(response, scanner.Images);
    }
}
