using System.Text.Json;
using ImageGen.Sdk;
using ImageGen.Sdk.Providers;

namespace ImageGen.Sdk.ExternalProvider.Tests;

/// <summary>
/// A whole provider in one class on the public toolkit: "PixelForge" takes <c>POST {base}/render</c> with
/// <c>{"prompt","model","size"}</c> and a bearer key, and answers <c>{"id","png_base64"}</c> or
/// <c>{"error":{"code","message"}}</c>. Everything else (checks, errors, limits, redaction) is the toolkit's.
/// </summary>
public sealed class PixelForgeImageGenerator : HttpImageGenerator
{
    public const string TypeName = "PixelForge";

    public static readonly ImageModelCapabilities Forge1 = new("forge-1")
    {
        SupportedSizes = [new ImageSize(256, 256), new ImageSize(512, 512)],
        MaxImagesPerCall = 1,
    };

    private static readonly Uri DefaultBaseUrl = new("https://api.pixelforge.example/v1/");

    private readonly Uri _endpoint;
    private readonly ImageGeneratorMetadata _metadata;

    public PixelForgeImageGenerator(ImageProviderContext context)
        : base(context)
    {
        Uri baseUrl = context.Options.BaseUrl is { } configured ? new Uri(configured.TrimEnd('/') + "/") : DefaultBaseUrl;
        _endpoint = new Uri(baseUrl, "render");
        _metadata = new ImageGeneratorMetadata(context.Name, TypeName, context.Options.DefaultModel ?? Forge1.Model, [Forge1], baseUrl);
    }

    protected override ImageGeneratorMetadata Metadata => _metadata;

    protected override async Task<ImageGenerationResult> GenerateCoreAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        string model = request.Model ?? _metadata.DefaultModel;
        using MemoryStream body = new();
        using (Utf8JsonWriter writer = new(body))
        {
            writer.WriteStartObject();
            writer.WriteString("prompt", request.Prompt);
            writer.WriteString("model", model);
            writer.WriteString("size", (request.Size ?? new ImageSize(512, 512)).ToString());
            writer.WriteEndObject();
        }

        using HttpRequestMessage message = new(HttpMethod.Post, _endpoint) { Content = new ByteArrayContent(body.ToArray()) };
        message.Content.Headers.ContentType = new("application/json");
        message.Headers.Authorization = new("Bearer", ApiKey);

        using HttpResponseMessage response = await SendAsync(message, cancellationToken);
        ReadOnlyMemory<byte> json = await ReadBodyBytesAsync(response, cancellationToken);
        using JsonDocument document = JsonDocument.Parse(json);
        string? id = document.RootElement.TryGetProperty("id", out JsonElement idElement) ? idElement.GetString() : null;
        if (!document.RootElement.TryGetProperty("png_base64", out JsonElement png) || png.GetString() is not { Length: > 0 } base64)
        {
            throw CreateResponseFailure(response, ImageGenerationErrorKind.ContentFiltered, $"{ProviderName} returned no image.");
        }

        return new ImageGenerationResult([CreateImage(Convert.FromBase64String(base64), "image/png", request.Size)], ProviderName, model)
        {
            ProviderRequestId = id,
        };
    }

    protected override ImageGenerationException CreateError(ProviderErrorResponse response)
    {
        string? code = null, text = null;
        try
        {
            using JsonDocument document = JsonDocument.Parse(response.Body);
            if (document.RootElement.TryGetProperty("error", out JsonElement error))
            {
                code = error.TryGetProperty("code", out JsonElement c) ? c.GetString() : null;
                text = error.TryGetProperty("message", out JsonElement m) ? m.GetString() : null;
            }
        }
        catch (JsonException)
        {
            // Not JSON (a gateway's HTML page): the status alone classifies it.
        }

        ImageGenerationErrorKind kind = code == "credits_exhausted" ? ImageGenerationErrorKind.QuotaExceeded : ProviderErrorKinds.FromStatus(response.StatusCode);
        return CreateError(response, kind, code, text);
    }
}
