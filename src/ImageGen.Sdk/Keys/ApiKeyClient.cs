namespace ImageGen.Sdk;

/// <summary>A provider client bound to one API key, as the key-rotation layer sees it: the client and the key's fingerprint, never the key.</summary>
public sealed class ApiKeyClient
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="fingerprint">The key's fingerprint (see <see cref="ApiKeyFingerprint"/>).</param>
    /// <param name="generator">The client that sends calls with the key.</param>
    /// <exception cref="ArgumentNullException"><paramref name="generator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="fingerprint"/> is blank.</exception>
    public ApiKeyClient(string fingerprint, IImageGenerator generator)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprint);
        ArgumentNullException.ThrowIfNull(generator);
        Fingerprint = fingerprint;
        Generator = generator;
    }

    /// <summary>Gets the key's fingerprint.</summary>
    public string Fingerprint { get; }

    /// <summary>Gets the client that sends calls with the key.</summary>
    public IImageGenerator Generator { get; }

    /// <summary>Gets the key's share of calls under <see cref="KeyRotationStrategy.Weighted"/>.</summary>
    /// <value>1.</value>
    public int Weight { get; init; } = 1;

    /// <summary>Gets the most calls the key may make per UTC day; past it the key is parked until midnight UTC.</summary>
    /// <value><see langword="null"/>: no daily limit.</value>
    public int? DailyLimit { get; init; }
}
