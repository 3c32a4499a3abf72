using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Tests.Providers.OpenAI;

namespace ImageGen.Sdk.Tests.Providers.Http;

public class ImageHeaderReaderTests
{
    [Test]
    public void Reads_png_ihdr()
    {
        Assert.That(ImageHeaderReader.TryReadSize(TestImages.Png(123, 45), out int w, out int h), Is.True);
        Assert.That((w, h), Is.EqualTo((123, 45)));
    }

    [Test]
    public void Reads_jpeg_start_of_frame()
    {
        Assert.That(ImageHeaderReader.TryReadSize(TestImages.JpegHeader(1536, 1024), out int w, out int h), Is.True);
        Assert.That((w, h), Is.EqualTo((1536, 1024)));
    }

    [Test]
    public void Reads_webp_lossy_lossless_and_extended_headers()
    {
        byte[] lossy = Webp("VP8 ", [0x00, 0x00, 0x00, 0x9D, 0x01, 0x2A, 0x00, 0x04, 0x00, 0x03]);
        byte[] lossless = Webp("VP8L", [0x2F, .. BitConverter.GetBytes((uint)(1023 | (767 << 14))), 0, 0, 0, 0, 0]);
        byte[] extended = Webp("VP8X", [0, 0, 0, 0, 0xFF, 0x05, 0x00, 0x37, 0x04, 0x00]);

        Assert.That(ImageHeaderReader.TryReadSize(lossy, out int w1, out int h1) && (w1, h1) == (1024, 768), Is.True, "lossy");
        Assert.That(ImageHeaderReader.TryReadSize(lossless, out int w2, out int h2) && (w2, h2) == (1024, 768), Is.True, "lossless");
        Assert.That(ImageHeaderReader.TryReadSize(extended, out int w3, out int h3) && (w3, h3) == (1536, 1080), Is.True, "extended");
    }

    [Test]
    public void Rejects_unknown_and_short_data()
    {
        Assert.That(ImageHeaderReader.TryReadSize("GIF89a......"u8, out _, out _), Is.False);
        Assert.That(ImageHeaderReader.TryReadSize(TestImages.Png(4, 4).AsSpan(0, 20), out _, out _), Is.False);
    }

    private static byte[] Webp(string chunk, byte[] payload)
    {
        byte[] data = new byte[32];
        "RIFF"u8.CopyTo(data);
        "WEBP"u8.CopyTo(data.AsSpan(8));
        System.Text.Encoding.ASCII.GetBytes(chunk).CopyTo(data, 12);
        payload.CopyTo(data, 20);
        return data;
    }
}
