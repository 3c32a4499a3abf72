using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ImageGen.Sdk.Tests.Providers.Local;

/// <summary>
/// A strict, independent PNG reader for tests: parses every chunk, checks each CRC with a bit-by-bit CRC-32
/// (deliberately not the library's table), and inflates IDAT.
/// </summary>
public sealed class PngFile
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private PngFile(List<(string Type, byte[] Data)> chunks)
    {
        Chunks = chunks;
        byte[] header = chunks[0].Data;
        Width = BinaryPrimitives.ReadInt32BigEndian(header);
        Height = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4));
        BitDepth = header[8];
        ColourType = header[9];
        CompressionMethod = header[10];
        FilterMethod = header[11];
        Interlace = header[12];
    }

    public IReadOnlyList<(string Type, byte[] Data)> Chunks { get; }

    public int Width { get; }

    public int Height { get; }

    public byte BitDepth { get; }

    public byte ColourType { get; }

    public byte CompressionMethod { get; }

    public byte FilterMethod { get; }

    public byte Interlace { get; }

    /// <summary>Parses a PNG, failing the test on any structural error or CRC mismatch.</summary>
    public static PngFile Parse(ReadOnlySpan<byte> png)
    {
        Assert.That(png.Length, Is.GreaterThan(Signature.Length), "too short for a PNG");
        Assert.That(png[..8].ToArray(), Is.EqualTo(Signature), "PNG signature");
        List<(string, byte[])> chunks = [];
        int offset = 8;
        while (offset < png.Length)
        {
            Assert.That(png.Length - offset, Is.GreaterThanOrEqualTo(12), $"truncated chunk at {offset}");
            int length = BinaryPrimitives.ReadInt32BigEndian(png[offset..]);
            Assert.That(length, Is.InRange(0, png.Length - offset - 12), $"chunk length at {offset}");
            string type = Encoding.ASCII.GetString(png.Slice(offset + 4, 4));
            ReadOnlySpan<byte> typeAndData = png.Slice(offset + 4, 4 + length);
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png[(offset + 8 + length)..]);
            Assert.That(stored, Is.EqualTo(BitwiseCrc32(typeAndData)), $"CRC of chunk {type}");
            chunks.Add((type, png.Slice(offset + 8, length).ToArray()));
            offset += 12 + length;
        }

        Assert.That(chunks, Is.Not.Empty);
        Assert.That(chunks[0].Item1, Is.EqualTo("IHDR"), "first chunk");
        Assert.That(chunks[0].Item2, Has.Length.EqualTo(13), "IHDR length");
        Assert.That(chunks[^1].Item1, Is.EqualTo("IEND"), "last chunk");
        Assert.That(chunks[^1].Item2, Is.Empty, "IEND carries no data");
        Assert.That(chunks.Count(c => c.Item1 == "IEND"), Is.EqualTo(1), "exactly one IEND");
        return new PngFile(chunks);
    }

    /// <summary>Concatenates the IDAT chunks and inflates them with zlib.</summary>
    public byte[] Inflate()
    {
        using MemoryStream compressed = new();
        foreach ((string type, byte[] data) in Chunks)
        {
            if (type == "IDAT")
            {
                compressed.Write(data);
            }
        }

        compressed.Position = 0;
        using ZLibStream zlib = new(compressed, CompressionMode.Decompress);
        using MemoryStream raw = new();
        zlib.CopyTo(raw);
        return raw.ToArray();
    }

    /// <summary>Undoes the per-row filters of 8-bit RGB scanlines and returns the pixels (<c>height * width * 3</c>).</summary>
    public byte[] DecodePixels()
    {
        byte[] raw = Inflate();
        int stride = Width * 3;
        byte[] pixels = new byte[Height * stride];
        for (int y = 0; y < Height; y++)
        {
            byte filter = raw[y * (stride + 1)];
            ReadOnlySpan<byte> line = raw.AsSpan((y * (stride + 1)) + 1, stride);
            Span<byte> current = pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> previous = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
            for (int i = 0; i < stride; i++)
            {
                int a = i >= 3 ? current[i - 3] : 0;
                int b = previous[i];
                int c = i >= 3 ? previous[i - 3] : 0;
                int predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new AssertionException($"unknown filter type {filter} on row {y}"),
                };
                current[i] = (byte)(line[i] + predictor);
            }
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>CRC-32 one bit at a time, straight from the PNG specification's description.</summary>
    public static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }
}
