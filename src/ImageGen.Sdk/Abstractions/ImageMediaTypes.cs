namespace ImageGen.Sdk;

/// <summary>Media types of the image formats providers return, and detection from magic bytes.</summary>
public static class ImageMediaTypes
{
    /// <summary><c>image/png</c>.</summary>
    public const string Png = "image/png";

    /// <summary><c>image/jpeg</c>.</summary>
    public const string Jpeg = "image/jpeg";

    /// <summary><c>image/webp</c>.</summary>
    public const string Webp = "image/webp";

    /// <summary><c>image/gif</c>.</summary>
    public const string Gif = "image/gif";

    /// <summary>Gets the eight bytes every PNG file starts with.</summary>
    public static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Detects the media type from the first bytes of an encoded image.</summary>
    /// <param name="data">The encoded image.</param>
    /// <returns>The media type, or <see langword="null"/> when the format is not recognised.</returns>
    public static string? Detect(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(PngSignature))
        {
            return Png;
        }

        if (data.Length >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        {
            return Jpeg;
        }

        if (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return Webp;
        }

        if (data.StartsWith("GIF8"u8))
        {
            return Gif;
        }

        return null;
    }

    /// <summary>Maps a file extension (with or without the dot) to a media type.</summary>
    /// <param name="extension">The extension.</param>
    /// <returns>The media type, or <see langword="null"/> when unknown.</returns>
    public static string? FromExtension(string? extension) => extension?.TrimStart('.').ToUpperInvariant() switch
    {
        "PNG" => Png,
        "JPG" or "JPEG" => Jpeg,
        "WEBP" => Webp,
        "GIF" => Gif,
        _ => null,
    };

    /// <summary>Maps a media type to the usual file extension, with the dot.</summary>
    /// <param name="mediaType">The media type.</param>
    /// <returns>The extension; <c>.bin</c> when unknown.</returns>
    public static string ToExtension(string? mediaType) => mediaType?.ToUpperInvariant() switch
    {
        "IMAGE/PNG" => ".png",
        "IMAGE/JPEG" or "IMAGE/JPG" => ".jpg",
        "IMAGE/WEBP" => ".webp",
        "IMAGE/GIF" => ".gif",
        _ => ".bin",
    };
}
