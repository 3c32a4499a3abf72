using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ImageGen.Sdk.Tests.Providers.OpenAI;

/// <summary>Builds small, valid encoded images for provider tests (no dependency on the Local provider).</summary>
public static class TestImages
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>Creates a valid RGB PNG of the given size whose pixels come from <paramref name="seed"/> (noise-like, so it compresses poorly).</summary>
    public static byte[] Png(int width, int height, int seed = 1)
    {
        Random random = new(seed);
        byte[] raw = new byte[height * ((width * 3) + 1)];
        for (int y = 0; y < height; y++)
        {
            int row = y * ((width * 3) + 1);
            raw[row] = 0; // filter: none
            random.NextBytes(raw.AsSpan(row + 1, width * 3));
        }

        using MemoryStream compressed = new();
        using (ZLibStream zlib = new(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        using MemoryStream png = new();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type RGB
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A minimal JPEG header (SOI, APP0, SOF0) with the given size: enough for header parsing, not a decodable image.</summary>
    public static byte[] JpegHeader(int width, int height)
    {
        List<byte> bytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. "JFIF\0"u8.ToArray(), 1, 1, 0, 0, 1, 0, 1, 0, 0];
        bytes.AddRange([0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03]);
        bytes.AddRange(new byte[9]);
        bytes.AddRange([0xFF, 0xD9]);
        return [.. bytes];
    }

    /// <summary>Computes the PNG/zlib CRC-32.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFF;
    }

    /// <summary>Builds an OpenAI Images API success body with the given images as <c>b64_json</c>.</summary>
    public static string ImagesResponseJson(params byte[][] images)
    {
        StringBuilder json = new("{\"created\":1713833628,\"data\":[");
        for (int i = 0; i < images.Length; i++)
        {
            json.Append(i == 0 ? string.Empty : ",").Append("{\"b64_json\":\"").Append(Convert.ToBase64String(images[i])).Append("\",\"revised_prompt\":null}");
        }

        json.Append("],\"background\":\"opaque\",\"output_format\":\"png\",\"size\":\"1024x1024\",\"quality\":\"high\",")
            .Append("\"usage\":{\"input_tokens\":50,\"output_tokens\":4160,\"total_tokens\":4210,\"input_tokens_details\":{\"text_tokens\":10,\"image_tokens\":40}}}");
        return json.ToString();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        stream.Write(crc);
    }

    private static uint[] BuildCrcTable()
    {
        uint[] table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
