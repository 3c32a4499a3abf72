using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ImageGen.Sdk.Providers;

/// <summary>Reads response bodies into exact arrays and parses JSON, telling a cut-off document from a malformed one.</summary>
internal static class BoundedBody
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Reads the whole stream into an array of exactly its length.</summary>
    /// <param name="body">The stream (a <see cref="CappedReadStream"/> bounds it).</param>
    /// <param name="contentLength">The announced length, to size the buffer and to notice a short body.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="EndOfStreamException">The body is shorter than its Content-Length.</exception>
    public static async Task<byte[]> ReadAllAsync(Stream body, long? contentLength, CancellationToken cancellationToken)
    {
        using PooledByteBuffer buffer = new((int)Math.Clamp(contentLength ?? 16 * 1024, 256, 16 * 1024 * 1024));
        await CopyAsync(body, buffer, long.MaxValue, cancellationToken).ConfigureAwait(false);
        return buffer.Length < contentLength
            ? throw new EndOfStreamException("The response body ended before its Content-Length.")
            : buffer.ToArray();
    }

    /// <summary>Copies at most <paramref name="limit"/> bytes; returns <see langword="false"/> when the stream is longer.</summary>
    /// <param name="body">The stream.</param>
    /// <param name="buffer">Receives the bytes.</param>
    /// <param name="limit">The most bytes copied.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns><see langword="true"/> when the whole stream fit.</returns>
    public static async Task<bool> CopyAsync(Stream body, PooledByteBuffer buffer, long limit, CancellationToken cancellationToken)
    {
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
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

    /// <summary>Parses a complete body as JSON.</summary>
    /// <typeparam name="T">The document type.</typeparam>
    /// <param name="body">The body.</param>
    /// <param name="typeInfo">Its source-generated type information.</param>
    /// <returns>The document.</returns>
    /// <exception cref="EndOfStreamException">The body ends inside the JSON document (cut off in transit).</exception>
    /// <exception cref="FormatException">The body is complete but not a document of that shape, or JSON <c>null</c>.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> typeInfo)
    {
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException ex) when (IsIncomplete(body))
        {
            throw new EndOfStreamException("The response body ended before the JSON document did.", ex);
        }
        catch (JsonException ex)
        {
            throw new FormatException("The response body is not the expected JSON: " + ex.Message, ex);
        }

        return value ?? throw new FormatException("The response body is JSON null.");
    }

    /// <summary>Gets whether the bytes are a valid start of a JSON document that has not ended yet.</summary>
    /// <param name="body">The body.</param>
    /// <returns><see langword="true"/> when more bytes could still make a valid document (an empty body counts as cut off).</returns>
    internal static bool IsIncomplete(ReadOnlySpan<byte> body)
    {
        Utf8JsonReader reader = new(body, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName))
                {
                    // The top-level value ended: the document is complete, so the failure was its shape.
                    return false;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
