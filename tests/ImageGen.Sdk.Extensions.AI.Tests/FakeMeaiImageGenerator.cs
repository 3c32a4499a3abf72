using System.Collections.Concurrent;
using Meai = Microsoft.Extensions.AI;

namespace ImageGen.Sdk.Extensions.AI.Tests;

/// <summary>
/// A Microsoft.Extensions.AI image generator for tests: records every call and answers from a script (a queue of
/// outcomes), then with one PNG per requested image.
/// </summary>
public sealed class FakeMeaiImageGenerator : Meai.IImageGenerator
{
    /// <summary>The eight-byte PNG signature plus a marker byte: enough for media type detection.</summary>
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x2A];

    private readonly ConcurrentQueue<Func<Meai.ImageGenerationRequest, Meai.ImageGenerationOptions?, CancellationToken, Task<Meai.ImageGenerationResponse>>> _script = new();

    public FakeMeaiImageGenerator(string? defaultModelId = "fake-meai-model", string? apiKey = null)
    {
        Metadata = new Meai.ImageGeneratorMetadata("fake-meai", new Uri("http://127.0.0.1:9/"), defaultModelId);
        ApiKey = apiKey;
    }

    public Meai.ImageGeneratorMetadata Metadata { get; }

    /// <summary>Gets the API key this instance was created for (key rotation tests).</summary>
    public string? ApiKey { get; }

    public ConcurrentQueue<(Meai.ImageGenerationRequest Request, Meai.ImageGenerationOptions? Options)> Calls { get; } = new();

    public bool Disposed { get; private set; }

    public FakeMeaiImageGenerator ThenThrow(Exception error)
    {
        _script.Enqueue((_, _, _) => Task.FromException<Meai.ImageGenerationResponse>(error));
        return this;
    }

    public FakeMeaiImageGenerator ThenAnswer(params Meai.AIContent[] contents)
    {
        _script.Enqueue((_, _, _) => Task.FromResult(new Meai.ImageGenerationResponse(contents)));
        return this;
    }

    public FakeMeaiImageGenerator Then(Func<Meai.ImageGenerationRequest, Meai.ImageGenerationOptions?, CancellationToken, Task<Meai.ImageGenerationResponse>> outcome)
    {
        _script.Enqueue(outcome);
        return this;
    }

    public Task<Meai.ImageGenerationResponse> GenerateAsync(Meai.ImageGenerationRequest request, Meai.ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue((request, options));
        if (_script.TryDequeue(out var outcome))
        {
            return outcome(request, options, cancellationToken);
        }

        List<Meai.AIContent> images = [.. Enumerable.Range(0, options?.Count ?? 1).Select(_ => new Meai.DataContent(Png, "image/png"))];
        return Task.FromResult(new Meai.ImageGenerationResponse(images));
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is not null ? null
            : serviceType == typeof(Meai.ImageGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => Disposed = true;
}

/// <summary>An ImageGen.Sdk generator for tests: records the requests and answers with one PNG per image.</summary>
public sealed class RecordingImageGenerator : IImageGenerator
{
    public ConcurrentQueue<ImageGenerationRequest> Requests { get; } = new();

    public ImageGeneratorMetadata? Metadata { get; init; }

    public Func<ImageGenerationRequest, ImageGenerationResult>? Answer { get; init; }

    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(request);
        return Task.FromResult(Answer?.Invoke(request) ?? new ImageGenerationResult(
            [.. Enumerable.Range(0, request.Count).Select(_ => new GeneratedImage(FakeMeaiImageGenerator.Png, "image/png"))],
            "recorded",
            request.Model ?? "recorded-model"));
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is not null ? null
            : serviceType == typeof(ImageGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this : null;
}
