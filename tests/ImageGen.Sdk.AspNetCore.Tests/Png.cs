using System.Buffers.Binary;

namespace ImageGen.Sdk.AspNetCore.Tests;

/// <summary>Reads a PNG's size from its IHDR chunk, so tests check the bytes they got rather than a header's claim.</summary>
internal static class Png
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static (int Width, int Height) Size(byte[] png)
    {
        Assert.That(png.Length, Is.GreaterThan(24));
        Assert.That(png.AsSpan(0, 8).ToArray(), Is.EqualTo(Signature), "PNG signature");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }
}
