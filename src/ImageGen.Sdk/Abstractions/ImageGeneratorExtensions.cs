namespace ImageGen.Sdk;

/// <summary>Typed helpers over <see cref="IImageGenerator.GetService(Type, object?)"/>.</summary>
public static class ImageGeneratorExtensions
{
    /// <summary>Asks the generator, or a generator it wraps, for an object of type <typeparamref name="TService"/>.</summary>
    /// <typeparam name="TService">The type of object being requested.</typeparam>
    /// <param name="generator">The generator.</param>
    /// <param name="serviceKey">An optional key that narrows the request.</param>
    /// <returns>The object, or <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    public static TService? GetService<TService>(this IImageGenerator generator, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return generator.GetService(typeof(TService), serviceKey) is TService service ? service : default;
    }

    /// <summary>Asks for an object of type <typeparamref name="TService"/> and fails when there is none.</summary>
    /// <typeparam name="TService">The type of object being requested.</typeparam>
    /// <param name="generator">The generator.</param>
    /// <param name="serviceKey">An optional key that narrows the request.</param>
    /// <returns>The object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">Neither the generator nor any it wraps has such an object.</exception>
    public static TService GetRequiredService<TService>(this IImageGenerator generator, object? serviceKey = null)
        where TService : notnull
        => generator.GetService<TService>(serviceKey)
            ?? throw new InvalidOperationException(
                $"No generator in this pipeline provides a {typeof(TService).Name}{(serviceKey is null ? "" : $" for key '{serviceKey}'")}.");
}
