namespace ImageGen.Sdk;

/// <summary>What one API key has done in this process, and its health. Identified by fingerprint, never by the key.</summary>
public sealed class ApiKeyStatistics
{
    /// <summary>Gets the provider name.</summary>
    public required string Provider { get; init; }

    /// <summary>Gets the key's fingerprint, for example <c>sk-…a1b2</c>.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets the calls sent with the key.</summary>
    public long Requests { get; init; }

    /// <summary>Gets the calls that succeeded.</summary>
    public long Successes { get; init; }

    /// <summary>Gets the calls in flight now.</summary>
    public long InFlight { get; init; }

    /// <summary>Gets the failed calls by kind.</summary>
    public IReadOnlyDictionary<ImageGenerationErrorKind, long> Failures { get; init; } = new Dictionary<ImageGenerationErrorKind, long>();

    /// <summary>Gets the key's state now (a rest that has ended reads as <see cref="ApiKeyState.Active"/>).</summary>
    public ApiKeyState State { get; init; }

    /// <summary>Gets when a cooling or parked key returns, or when a key retired by this process is probed.</summary>
    public DateTimeOffset? Until { get; init; }
}
