using System.Buffers.Binary;

namespace ImageGen.Sdk.Providers;

/// <summary>
/// Reads pixel dimensions from the header of an encoded PNG, JPEG or WebP image without decoding it, so every
/// provider can report the real <see cref="GeneratedImage.Width"/> and <see cref="GeneratedImage.Height"/>.
/// </summary>
/// <remarks>Only the header is read (the first bytes of a PNG or WebP, the segments before the first frame of a JPEG); the bytes are not checked further.</remarks>
public static class ImageHeaderReader
{
    /// <summary>Tries to read the dimensions of an encoded image.</summary>
    /// <param name="data">The encoded image.</param>
    /// <param name="width">The width in pixels when found.</param>
    /// <param name="height">The height in pixels when found.</param>
    /// <returns><see langword="true"/> when the header was recognised and holds positive dimensions.</returns>
    public static bool TryReadSize(ReadOnlySpan<byte> data, out int width, out int height)
    {
        width = height = 0;
        bool found = TryReadPng(data, ref width, ref height)
            || TryReadJpeg(data, ref width, ref height)
            || TryReadWebp(data, ref width, ref height);
        return found && width > 0 && height > 0;
    }

    private static bool TryReadPng(ReadOnlySpan<byte> data, ref int width, ref int height)
    {
        // Signature (8), IHDR length (4), "IHDR" (4), width (4, big-endian), height (4).
        if (data.Length < 24 || !data.StartsWith(ImageMediaTypes.PngSignature) || !data.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return false;
        }

        width = BinaryPrimitives.ReadInt32BigEndian(data.Slice(16, 4));
        height = BinaryPrimitives.ReadInt32BigEndian(data.Slice(20, 4));
        return true;
    }

    private static bool TryReadJpeg(ReadOnlySpan<byte> data, ref int width, ref int height)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            return false;
        }

        int position = 2;
        while (position + 4 <= data.Length)
        {
            if (data[position] != 0xFF)
            {
                return false;
            }

            byte marker = data[position + 1];
            if (marker == 0xFF)
            {
                // Fill byte before a marker.
                position++;
                continue;
            }

            position += 2;
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                // Stand-alone markers carry no length.
                continue;
            }

            if (marker is 0xD9 or 0xDA)
            {
                // End of image or start of scan before any frame header.
                return false;
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position, 2));
            bool isStartOfFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isStartOfFrame)
            {
                // Length (2), precision (1), height (2), width (2).
                if (position + 7 > data.Length)
                {
                    return false;
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position + 3, 2));
                width = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(position + 5, 2));
                return true;
            }

            if (length < 2)
            {
                return false;
            }

            position += length;
        }

        return false;
    }

    private static bool TryReadWebp(ReadOnlySpan<byte> data, ref int width, ref int height)
    {
        if (data.Length < 30 || !data.StartsWith("RIFF"u8) || !data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            return false;
        }

        ReadOnlySpan<byte> chunk = data.Slice(12, 4);
        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Lossy: frame tag (3), start code 9D 01 2A (3), then 14-bit width and height, little-endian.
            if (data[23] != 0x9D || data[24] != 0x01 || data[25] != 0x2A)
            {
                return false;
            }

            width = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(26, 2)) & 0x3FFF;
            height = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(28, 2)) & 0x3FFF;
            return true;
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Lossless: signature 0x2F, then width-1 and height-1 in 14 bits each.
            if (data[20] != 0x2F)
            {
                return false;
            }

            uint bits = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(21, 4));
            width = (int)(bits & 0x3FFF) + 1;
            height = (int)((bits >> 14) & 0x3FFF) + 1;
            return true;
        }

        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Extended: flags (4), then canvas width-1 and height-1 in 24 bits each.
            width = (data[24] | (data[25] << 8) | (data[26] << 16)) + 1;
            height = (data[27] | (data[28] << 8) | (data[29] << 16)) + 1;
            return true;
        }

        return false;
    }
}
