namespace ImageGen.Sdk;

/// <summary>
/// Base class for a layer that wraps another <see cref="IImageGenerator"/> and, by default, passes every call
/// through to it. Derive from it to add behaviour around generation (caching, retry, logging, ...).
/// </summary>
public abstract class DelegatingImageGenerator : IImageGenerator, IDisposable
{
    /// <summary>Initializes a new instance wrapping <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator calls are passed to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    protected DelegatingImageGenerator(IImageGenerator innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        InnerGenerator = innerGenerator;
    }

    /// <summary>Gets the generator this layer delegates to.</summary>
    protected IImageGenerator InnerGenerator { get; }

    /// <inheritdoc />
    public virtual Task<ImageGenerationResult> GenerateAsync(ImageGenerationRequest request, CancellationToken cancellationToken = default)
        => InnerGenerator.GenerateAsync(request, cancellationToken);

    /// <summary>
    /// Answers with this layer when it is of <paramref name="serviceType"/> and no key is given, otherwise asks the
    /// inner generator.
    /// </summary>
    /// <param name="serviceType">The type of object being requested.</param>
    /// <param name="serviceKey">An optional key that narrows the request.</param>
    /// <returns>The object, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="serviceType"/> is <see langword="null"/>.</exception>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this)
            ? this
            : InnerGenerator.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources; by default disposes the inner generator when it is disposable.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && InnerGenerator is IDisposable disposable)
        {
            disposable.Dispose();
        }
    }
}
