namespace ImageGen.Sdk;

/// <summary>
/// Generates images from a text prompt (and, for edits, input images). Every provider client and every
/// cross-cutting layer (caching, retry, rate limiting, key rotation, fallback) implements this one interface.
/// </summary>
/// <remarks>
/// Implementations are thread-safe and meant to be used as singletons. Provider failures surface as
/// <see cref="ImageGenerationException"/>; caller mistakes as <see cref="ArgumentException"/>.
/// </remarks>
public interface IImageGenerator
{
    /// <summary>Generates the images described by <paramref name="request"/>.</summary>
    /// <param name="request">What to generate.</param>
    /// <param name="cancellationToken">Cancels the call, including any wait for a permit, a key or a retry.</param>
    /// <returns>The generated images and how they were obtained.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The request is invalid for the provider or model.</exception>
    /// <exception cref="ImageGenerationException">The provider or a layer failed the call.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default);
}
