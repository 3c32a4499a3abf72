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

    /// <summary>Asks the generator, or a generator it wraps, for an object of type <paramref name="serviceType"/>.</summary>
    /// <param name="serviceType">The type of object being requested.</param>
    /// <param name="serviceKey">An optional key that narrows the request.</param>
    /// <returns>The object, or <see langword="null"/> when neither this generator nor any it wraps has one.</returns>
    /// <remarks>
    /// This is how layers find what they need without type checks or back-references, as in
    /// Microsoft.Extensions.AI: a provider client answers with its <see cref="ImageGeneratorMetadata"/>, a
    /// <see cref="DelegatingImageGenerator"/> answers with itself when it is of the requested type and otherwise asks
    /// the generator it wraps. Implementations never throw for an unknown type; they return <see langword="null"/>.
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    object? GetService(Type serviceType, object? serviceKey = null);
}
