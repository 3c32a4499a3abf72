using System.Buffers;
using System.Buffers.Text;
using System.Text;
using BenchmarkDotNet.Attributes;
using ImageGen.Sdk.Providers.OpenAI;

namespace ImageGen.Sdk.Benchmarks;

/// <summary>
/// The CPU cost of turning a ~2 MB gpt-image-1 body already in memory into image bytes, without HTTP: how much the
/// streaming scanner adds over a plain vectorised base64 decode of the same text.
/// </summary>
[MemoryDiagnoser]
public class OpenAIScanBenchmarks
{
    private byte[] _body = null!;
    private byte[] _base64 = null!;
    private byte[] _decoded = null!;

    [GlobalSetup]
    public void Setup()
    {
        byte[] image = new byte[1_700_000];
        new Random(1).NextBytes(image);
        string base64 = Convert.ToBase64String(image);
        _base64 = Encoding.ASCII.GetBytes(base64);
        _decoded = new byte[image.Length];
        _body = Encoding.UTF8.GetBytes("{\"created\":1,\"data\":[{\"b64_json\":\"" + base64 + "\"}],\"size\":\"1024x1024\"}");
    }

    [Benchmark(Description = "Scanner, 64 KB chunks, Content-Length known (decodes into the final array)")]
    public int Scan() => ScanWith(_body.Length);

    [Benchmark(Description = "Scanner, 64 KB chunks, chunked body (pooled buffer + exact copy)")]
    public int ScanChunked() => ScanWith(null);

    [Benchmark(Description = "Chunked decode into a pooled buffer + exact-size copy")]
    public int ChunkedDecodeAndCopy()
    {
        byte[] pooled = ArrayPool<byte>.Shared.Rent(_decoded.Length + 64);
        int written = 0;
        for (int offset = 0; offset < _base64.Length; offset += 64 * 1024)
        {
            int length = Math.Min(64 * 1024, _base64.Length - offset);
            bool last = offset + length == _base64.Length;
            Base64.DecodeFromUtf8(_base64.AsSpan(offset, length), pooled.AsSpan(written), out _, out int w, last);
            written += w;
        }

        byte[] result = GC.AllocateUninitializedArray<byte>(written);
        pooled.AsSpan(0, written).CopyTo(result);
        ArrayPool<byte>.Shared.Return(pooled);
        return result.Length;
    }

    [Benchmark(Baseline = true, Description = "Base64.DecodeFromUtf8 of the same text")]
    public int DecodeOnly()
    {
        Base64.DecodeFromUtf8(_base64, _decoded, out _, out int written);
        return written;
    }

    private int ScanWith(long? contentLength)
    {
        using Base64ExtractingJsonScanner scanner = new(contentLength);
        for (int offset = 0; offset < _body.Length; offset += 64 * 1024)
        {
            scanner.Feed(_body.AsSpan(offset, Math.Min(64 * 1024, _body.Length - offset)));
        }

        return scanner.Images[0].Length;
    }
}
