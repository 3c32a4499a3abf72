namespace ImageGen.Sdk.Tests.Providers;

/// <summary>A generator that records requests and counts how often it is disposed.</summary>
internal sealed class DisposalCountingGenerator(string provider) : IImageGenerator, IDisposable
{
    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public int DisposeCount { get; private set; }

    public List<ImageGenerationRequest> Requests { get; } = [];

    public Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        return Task.FromResult(new ImageGenerationResult([new GeneratedImage(new byte[] { 1 }, ImageMediaTypes.Png)], request.Provider ?? provider, "m"));
    }

    public void Dispose() => DisposeCount++;
}
