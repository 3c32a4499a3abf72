namespace ImageGen.Sdk;

/// <summary>One generated image: its encoded bytes and what the provider said about it.</summary>
/// <remarks>
/// <see cref="Data"/> always holds the bytes, even when the provider answered with a URL (it is downloaded when the
/// result arrives, because provider URLs expire); <see cref="SourceUri"/> keeps that URL for reference only.
/// </remarks>
public sealed class GeneratedImage
{
    /// <summary>Initializes a new image.</summary>
    /// <param name="data">The encoded image bytes.</param>
    /// <param name="mediaType">The media type, for example <c>image/png</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="mediaType"/> is blank.</exception>
    public GeneratedImage(ReadOnlyMemory<byte> data, string mediaType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        Data = data;
        MediaType = mediaType;
    }

    /// <summary>Gets the encoded image bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Gets the media type, for example <c>image/png</c>.</summary>
    public string MediaType { get; }

    /// <summary>Gets the width in pixels, when known.</summary>
    public int? Width { get; init; }

    /// <summary>Gets the height in pixels, when known.</summary>
    public int? Height { get; init; }

    /// <summary>Gets the prompt the provider actually used, when it rewrote it (DALL·E 3).</summary>
    public string? RevisedPrompt { get; init; }

    /// <summary>Gets the seed the provider used, when reported.</summary>
    public long? Seed { get; init; }

    /// <summary>Gets the URL the provider returned the image at, when it returned one. It may have expired.</summary>
    public Uri? SourceUri { get; init; }

    /// <summary>Writes the image bytes to a file, creating its folder when needed.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="ct">Cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    public async Task SaveAsync(string path, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        FileStream stream = new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(Data, ct).ConfigureAwait(false);
        }
    }
}
