using System.Net.Http.Json;
using System.Text.Json.Serialization;
using ImageGen.Sdk.Providers;

namespace ImageGen.Sdk.Tests.Providers.Http;

// The provider of docs/providers/writing-a-provider.md, compiled and exercised here so the guide stays true.

/// <summary>Options of the Acme client: the shared key, name and limits, plus its endpoint.</summary>
public sealed class AcmeImageGeneratorOptions : HttpImageGeneratorOptions
{
    public AcmeImageGeneratorOptions()
        : base("acme")
    {
    }

    public Uri BaseUrl { get; set; } = new("https://api.acme.example/v1");
}

/// <summary>A provider that is one class on the toolkit: wire format and error mapping only.</summary>
public sealed class AcmeImageGenerator : HttpImageGenerator
{
    public static readonly ImageModelCapabilities Acme1 = new("acme-1")
    {
        SupportedSizes = [new ImageSize(512, 512), new ImageSize(1024, 1024)],
        MaxImagesPerCall = 4,
    };

    private readonly Uri _endpoint;
    private readonly ImageGeneratorMetadata _metadata;

    public AcmeImageGenerator(AcmeImageGeneratorOptions options, ProviderTransport transport)
        : base(options, transport)
    {
        _endpoint = new Uri(options.BaseUrl.ToString().TrimEnd('/') + "/images");
        _metadata = new ImageGeneratorMetadata(options.ProviderName, "Acme", Acme1.Model, [Acme1], options.BaseUrl);
    }

    protected override ImageGeneratorMetadata Metadata => _metadata;

    protected override async Task<ImageGenerationResult> GenerateCoreAsync(ImageGenerationRequest request, CancellationToken cancellationToken)
    {
        string model = request.Model ?? Acme1.Model;
        using HttpRequestMessage message = new(HttpMethod.Post, _endpoint)
        {
            Content = JsonContent.Create(new AcmeRequest(model, request.Prompt, request.Count, request.Size?.ToString()), AcmeJson.Default.AcmeRequest),
        };
        message.Headers.Authorization = new("Bearer", ApiKey);

        using HttpResponseMessage response = await SendAsync(message, cancellationToken);
        AcmeResponse body = await ReadJsonAsync(response, AcmeJson.Default.AcmeResponse, cancellationToken);
        string? requestId = ReadRequestId(response.Headers);
        if (body.Images is not { Count: > 0 } items)
        {
            // A refusal that arrives as HTTP 200.
            throw CreateResponseFailure(response, ImageGenerationErrorKind.ContentFiltered, $"{ProviderName} returned no image ({body.FinishReason}).", errorCode: body.FinishReason);
        }

        List<GeneratedImage> images = [];
        foreach (AcmeImage item in items)
        {
            if (item.Url is not null)
            {
                ReportProgress(request, ImageGenerationProgress.Downloading());
            }

            ReadOnlyMemory<byte> bytes = item.Base64 is { } base64
                ? Convert.FromBase64String(base64)
                : await DownloadAsync(item.Url ?? "", requestId, cancellationToken);
            images.Add(CreateImage(bytes, item.ContentType, request.Size, sourceUri: item.Url is null ? null : new Uri(item.Url)));
        }

        return new ImageGenerationResult(images, ProviderName, model) { ProviderRequestId = requestId };
    }

    protected override ImageGenerationException CreateError(ProviderErrorResponse response)
    {
        AcmeError? error = response.ReadJson(AcmeJson.Default.AcmeErrorBody)?.Error;
        ImageGenerationErrorKind kind = error?.Code == "insufficient_credits"
            ? ImageGenerationErrorKind.QuotaExceeded
            : ProviderErrorKinds.FromStatus(response.StatusCode);
        return CreateError(response, kind, error?.Code, error?.Message);
    }

    // Acme, like Gemini, states the delay in the body: {"error":{"retry_delay":"34s"}}.
    protected override TimeSpan? ReadRetryAfter(ProviderErrorResponse response)
        => response.RetryAfter ?? RetryAfterParser.FromDuration(response.ReadJson(AcmeJson.Default.AcmeErrorBody)?.Error?.RetryDelay);
}

public sealed record AcmeRequest(string Model, string Prompt, int N, string? Size);

public sealed record AcmeResponse(List<AcmeImage>? Images, string? FinishReason);

public sealed record AcmeImage(string? Base64, string? Url, string? ContentType);

public sealed record AcmeErrorBody(AcmeError? Error);

public sealed record AcmeError(string? Code, string? Message, string? RetryDelay);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AcmeRequest))]
[JsonSerializable(typeof(AcmeResponse))]
[JsonSerializable(typeof(AcmeErrorBody))]
internal sealed partial class AcmeJson : JsonSerializerContext;
