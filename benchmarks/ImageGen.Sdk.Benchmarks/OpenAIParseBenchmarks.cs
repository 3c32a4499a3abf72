using System.Buffers;
using System.Buffers.Text;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ImageGen.Sdk;
using ImageGen.Sdk.Providers;
using ImageGen.Sdk.Providers.OpenAI;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenAI;
using OpenAI.Images;
using OpenAIGeneratedImage = OpenAI.Images.GeneratedImage;
using OpenAIImageOptions = OpenAI.Images.ImageGenerationOptions;

namespace ImageGen.Sdk.Benchmarks;

/// <summary>
/// One gpt-image-1 generation of a 1024x1024 PNG (~1.5 MB image, ~2 MB JSON) served by a loopback Kestrel server,
/// parsed four ways: this library, JsonDocument + Convert.FromBase64String, the official OpenAI SDK 2.15.0, and the
/// floor (read the body, parse nothing). All four share one <see cref="HttpClient"/> (the OpenAI SDK through
/// <see cref="HttpClientPipelineTransport"/>), so connection handling is the same and only the parsing differs.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class OpenAIParseBenchmarks
{
    private const string ApiKey = "sk-bench-0000000000000000";

    private WebApplication _server = null!;
    private Uri _baseUrl = null!;
    private byte[] _body = null!;
    private HttpClient _http = null!;
    private OpenAIImageGenerator _ours = null!;
    private ImageClient _openAi = null!;
    private ImageGenerationRequest _request = null!;
    private ReadOnlyMemory<byte> _requestBody;

    /// <summary>Gets the decoded image size in bytes, for the allocation ratio.</summary>
    public int ImageBytes { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] png = CreatePng(1024, 1024);
        ImageBytes = png.Length;
        _body = Encoding.UTF8.GetBytes(
            "{\"created\":1713833628,\"data\":[{\"b64_json\":\"" + Convert.ToBase64String(png) + "\"}],\"background\":\"opaque\","
            + "\"output_format\":\"png\",\"size\":\"1024x1024\",\"quality\":\"high\",\"usage\":{\"input_tokens\":50,\"output_tokens\":4160,"
            + "\"total_tokens\":4210,\"input_tokens_details\":{\"text_tokens\":50,\"image_tokens\":0}}}");
        Console.WriteLine($"// image {png.Length} bytes, JSON body {_body.Length} bytes");

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapPost("/v1/images/generations", async context =>
        {
            // Drain the request like a real server, then send the canned body with a Content-Length.
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = _body.Length;
            context.Response.Headers["x-request-id"] = "req_bench";
            await context.Response.Body.WriteAsync(_body);
        });
        _server.StartAsync().GetAwaiter().GetResult();
        string address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _baseUrl = new Uri(new Uri(address), "/v1");

        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) });
        _ours = new OpenAIImageGenerator(new OpenAIImageGeneratorOptions { ApiKey = ApiKey, BaseUrl = _baseUrl }, new ProviderTransport(_http));

        // The same HttpClient (so the same connection pool and handler) for every contender: only parsing differs.
        _openAi = new ImageClient(
            "gpt-image-1",
            new ApiKeyCredential(ApiKey),
            new OpenAIClientOptions { Endpoint = _baseUrl, Transport = new HttpClientPipelineTransport(_http) });
        _request = new ImageGenerationRequest("a red backpack on a white background") { Size = new ImageSize(1024, 1024), Quality = ImageQuality.High };
        _requestBody = Encoding.UTF8.GetBytes("{\"model\":\"gpt-image-1\",\"prompt\":\"a red backpack on a white background\",\"n\":1,\"size\":\"1024x1024\",\"quality\":\"high\"}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _server.StopAsync().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "ImageGen.Sdk OpenAIImageGenerator")]
    public async Task<int> ImageGenSdk()
    {
        ImageGenerationResult result = await _ours.GenerateAsync(_request);
        return result.Images[0].Data.Length;
    }

    [Benchmark(Description = "JsonDocument + Convert.FromBase64String")]
    public async Task<int> JsonDocumentAndConvert()
    {
        using HttpRequestMessage message = CreateMessage();
        using HttpResponseMessage response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        using JsonDocument document = await JsonDocument.ParseAsync(body);
        string base64 = document.RootElement.GetProperty("data")[0].GetProperty("b64_json").GetString()!;
        return Convert.FromBase64String(base64).Length;
    }

    [Benchmark(Description = "OpenAI SDK 2.15.0 ImageClient")]
    public async Task<int> OpenAiSdk()
    {
        ClientResult<OpenAIGeneratedImage> result = await _openAi.GenerateImageAsync(
            "a red backpack on a white background",
            new OpenAIImageOptions { Size = GeneratedImageSize.W1024xH1024, Quality = GeneratedImageQuality.High });
        return result.Value.ImageBytes.ToMemory().Length;
    }

    [Benchmark(Baseline = true, Description = "Floor: read the body, no parse")]
    public async Task<int> Floor()
    {
        using HttpRequestMessage message = CreateMessage();
        using HttpResponseMessage response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        int total = 0;
        int read;
        while ((read = await body.ReadAsync(chunk.AsMemory(0, 64 * 1024))) > 0)
        {
            total += read;
        }

        ArrayPool<byte>.Shared.Return(chunk);
        return total;
    }

    /// <summary>
    /// The least any client returning fresh image bytes can do: the floor's read into a pooled buffer, then one
    /// decode of the base64 value into a new array sized for the image. It parses nothing else, so it is a lower
    /// bound, not a contender: it shows what the fresh result array itself costs over the floor on this machine.
    /// </summary>
    [Benchmark(Description = "Floor + one fresh image array (lower bound for any client)")]
    public async Task<int> FloorPlusFreshArray()
    {
        using HttpRequestMessage message = CreateMessage();
        using HttpResponseMessage response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        await using Stream body = await response.Content.ReadAsStreamAsync();
        int length = (int)response.Content.Headers.ContentLength!.Value;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(length);
        int total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(total, Math.Min(64 * 1024, length - total)))) > 0)
        {
            total += read;
        }

        ReadOnlySpan<byte> json = buffer.AsSpan(0, total);
        int start = json.IndexOf("\"b64_json\":\""u8) + 12;
        int end = start + json[start..].IndexOf((byte)'"');
        ReadOnlySpan<byte> base64 = json[start..end];
        byte[] image = GC.AllocateUninitializedArray<byte>(Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        Base64.DecodeFromUtf8(base64, image, out _, out int written);
        ArrayPool<byte>.Shared.Return(buffer);
        return written;
    }

    private HttpRequestMessage CreateMessage()
    {
        HttpRequestMessage message = new(HttpMethod.Post, new Uri(_baseUrl + "/images/generations")) { Content = new ReadOnlyMemoryContent(_requestBody) };
        message.Content.Headers.ContentType = new("application/json");
        message.Headers.Authorization = new("Bearer", ApiKey);
        return message;
    }

    /// <summary>A 1024x1024 RGB PNG of smooth gradients plus noise: compresses to roughly what gpt-image-1 returns (~1.5 MB).</summary>
    private static byte[] CreatePng(int width, int height)
    {
        Random random = new(42);
        int stride = (width * 3) + 1;
        byte[] raw = new byte[height * stride];
        for (int y = 0; y < height; y++)
        {
            raw[y * stride] = 1; // Sub filter: neighbouring noise stays noisy, gradients compress
            for (int x = 0; x < width * 3; x++)
            {
                raw[(y * stride) + 1 + x] = (byte)(random.Next(0, 8) == 0 ? random.Next(256) : random.Next(0, 6));
            }
        }

        using MemoryStream idat = new();
        using (ZLibStream zlib = new(idat, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        using MemoryStream png = new();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        byte[] header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", idat.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        byte[] length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        byte[] crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        stream.Write(crc);
    }

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
