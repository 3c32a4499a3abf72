using ImageGen.Sdk.Keys;
using Microsoft.Extensions.Logging;

namespace ImageGen.Sdk;

/// <summary>Adds <see cref="KeyRotatingImageGenerator"/> to a pipeline.</summary>
public static class KeyRotatingImageGeneratorBuilderExtensions
{
    /// <summary>
    /// Adds API-key rotation as the innermost layer. Build the builder around <c>keys[0].Generator</c>: the layer
    /// sends each attempt to one of <paramref name="keys"/>. With no keys (a provider that needs none) nothing is added.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="keys">One client per key, in configured order.</param>
    /// <param name="options">The strategy and rest times; defaults when <see langword="null"/>.</param>
    /// <param name="store">Where key health lives; taken from the services, else private in-memory, when <see langword="null"/>.</param>
    /// <param name="monitor">Receives the keys' counters; taken from the services when <see langword="null"/>.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="provider"/> is blank.</exception>
    /// <exception cref="InvalidOperationException">At build time, the layer is not directly over <c>keys[0].Generator</c>.</exception>
    public static ImageGeneratorBuilder UseKeyRotation(
        this ImageGeneratorBuilder builder,
        string provider,
        IReadOnlyList<ApiKeyClient> keys,
        KeyRotationOptions? options = null,
        IKeyStateStore? store = null,
        KeyPoolMonitor? monitor = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return builder;
        }

        return builder.Use((inner, services) =>
        {
            if (!ReferenceEquals(inner, keys[0].Generator))
            {
                throw new InvalidOperationException("UseKeyRotation must be the last Use call, in a builder built around the first key's client.");
            }

            return new KeyRotatingImageGenerator(
                keys,
                provider,
                options,
                store ?? (IKeyStateStore?)services.GetService(typeof(IKeyStateStore)),
                monitor ?? services.GetService(typeof(KeyPoolMonitor)) as KeyPoolMonitor ?? services.GetService(typeof(IKeyPoolMonitor)) as KeyPoolMonitor,
                (TimeProvider?)services.GetService(typeof(TimeProvider)),
                ((ILoggerFactory?)services.GetService(typeof(ILoggerFactory)))?.CreateLogger<KeyRotatingImageGenerator>());
        });
    }
}
