using System.Collections.Concurrent;

namespace ImageGen.Sdk.Tests.TestSupport;

/// <summary>
/// An in-memory <see cref="IImageGenerator"/> for layer tests: records every call and answers from a script
/// (a queue of outcomes, then a default handler).
/// </summary>
public sealed class FakeImageGenerator : IImageGenerator
{
    /// <summary>Gets or sets what <see cref="GetService"/> answers for <see cref="ImageGeneratorMetadata"/>; <see langword="null"/> for none.</summary>
    public ImageGeneratorMetadata? Metadata { get; set; }

    public object? GetService(Type serviceType, object? serviceKey = null)
        => serviceKey is not null ? null
            : serviceType == typeof(ImageGeneratorMetadata) ? Metadata
            : serviceType.IsInstanceOfType(this) ? this : null;

    private readonly ConcurrentQueue<Func<ImageGenerationRequest, CancellationToken, Task<ImageGenerationResult>>> _script = new();
    private int _callCount;

    public FakeImageGenerator(string provider = "fake", string model = "fake-model")
    {
        Provider = provider;
        Model = model;
        Handler = (request, _) => Task.FromResult(CreateResult(request, Provider, Model));
    }

    public string Provider { get; }

    public string Model { get; }

    /// <summary>Gets the requests received, in arrival order.</summary>
    public ConcurrentQueue<ImageGenerationRequest> Requests { get; } = new();

    public int CallCount => Volatile.Read(ref _callCount);

    /// <summary>Gets or sets what answers when the script is empty.</summary>
    public Func<ImageGenerationRequest, CancellationToken, Task<ImageGenerationResult>> Handler { get; set; }

    /// <summary>Queues one failure.</summary>
    public FakeImageGenerator ThenThrow(Exception exception)
    {
        _script.Enqueue((_, _) => Task.FromException<ImageGenerationResult>(exception));
        return this;
    }

    /// <summary>Queues one failure of a kind.</summary>
    public FakeImageGenerator ThenFail(ImageGenerationErrorKind kind, TimeSpan? retryAfter = null, int? status = null)
        => ThenThrow(new ImageGenerationException(kind, $"fake {kind}") { Provider = Provider, RetryAfter = retryAfter, StatusCode = status });

    /// <summary>Queues one success.</summary>
    public FakeImageGenerator ThenSucceed()
    {
        _script.Enqueue((request, _) => Task.FromResult(CreateResult(request, Provider, Model)));
        return this;
    }

    /// <summary>Queues a custom outcome.</summary>
    public FakeImageGenerator Then(Func<ImageGenerationRequest, CancellationToken, Task<ImageGenerationResult>> outcome)
    {
        _script.Enqueue(outcome);
        return this;
    }

    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _callCount);
        Requests.Enqueue(request);
        return _script.TryDequeue(out var next) ? next(request, cancellationToken) : Handler(request, cancellationToken);
    }

    /// <summary>Creates a result with one small image per requested count; the bytes derive from the prompt.</summary>
    public static ImageGenerationResult CreateResult(ImageGenerationRequest request, string provider = "fake", string model = "fake-model")
    {
        List<GeneratedImage> images = [];
        for (int i = 0; i < request.Count; i++)
        {
            byte[] bytes = [.. ImageMediaTypes.PngSignature, .. System.Text.Encoding.UTF8.GetBytes(request.Prompt), (byte)i];
            images.Add(new GeneratedImage(bytes, ImageMediaTypes.Png) { Width = request.Size?.Width, Height = request.Size?.Height });
        }

        return new ImageGenerationResult(images, request.Provider ?? provider, request.Model ?? model);
    }
}
