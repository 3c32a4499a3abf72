namespace ImageGen.Sdk;

/// <summary>An image sent to the provider: a source image for an edit, or a mask.</summary>
public sealed class ImageInput
{
    /// <summary>Initializes a new input image.</summary>
    /// <param name="data">The encoded image bytes.</param>
    /// <param name="mediaType">The media type, for example <c>image/png</c>.</param>
    /// <param name="fileName">An optional file name sent with multipart uploads.</param>
    /// <exception cref="ArgumentException"><paramref name="data"/> is empty or <paramref name="mediaType"/> is blank.</exception>
    public ImageInput(ReadOnlyMemory<byte> data, string mediaType, string? fileName = null)
    {
        if (data.IsEmpty)
        {
            throw new ArgumentException("Image data must not be empty.", nameof(data));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(mediaType);
        Data = data;
        MediaType = mediaType;
        FileName = fileName;
    }

    /// <summary>Gets the encoded image bytes.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Gets the media type, for example <c>image/png</c>.</summary>
    public string MediaType { get; }

    /// <summary>Gets the optional file name.</summary>
    public string? FileName { get; }

    /// <summary>Creates an input from bytes.</summary>
    /// <param name="data">The encoded image bytes.</param>
    /// <param name="mediaType">The media type; detected from the bytes when <see langword="null"/>.</param>
    /// <param name="fileName">An optional file name.</param>
    /// <returns>The input.</returns>
    public static ImageInput FromBytes(ReadOnlyMemory<byte> data, string? mediaType = null, string? fileName = null)
        => new(data, mediaType ?? ImageMediaTypes.Detect(data.Span) ?? "application/octet-stream", fileName);

    /// <summary>Reads an input from a file; the media type comes from the bytes, then the extension.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is blank.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ImageInput FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes = File.ReadAllBytes(path);
        string mediaType = ImageMediaTypes.Detect(bytes) ?? ImageMediaTypes.FromExtension(Path.GetExtension(path)) ?? "application/octet-stream";
        return new ImageInput(bytes, mediaType, Path.GetFileName(path));
    }

    /// <summary>Reads an input from a file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The input.</returns>
    public static async Task<ImageInput> FromFileAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        string mediaType = ImageMediaTypes.Detect(bytes) ?? ImageMediaTypes.FromExtension(Path.GetExtension(path)) ?? "application/octet-stream";
        return new ImageInput(bytes, mediaType, Path.GetFileName(path));
    }
}
