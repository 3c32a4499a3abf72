namespace ImageGen.Sdk.Testing;

/// <summary>One request as the <see cref="FakeImageProviderServer"/> received it; API keys appear only as fingerprints.</summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The path, such as <c>/v1/images/generations</c>.</param>
/// <param name="Headers">The request headers; the values of <c>Authorization</c>, <c>api-key</c> and <c>x-api-key</c> are fingerprinted (<see cref="ApiKeyFingerprint"/>).</param>
/// <param name="Body">The body as text (UTF-8; a multipart edit body includes its image bytes, decoded lossily).</param>
/// <param name="ArrivedAt">When the request arrived (the server's clock).</param>
/// <param name="ApiKeyFingerprint">The fingerprint of the API key the request carried, or <see langword="null"/> for none.</param>
/// <param name="Fault">The fault the server applied, or <see langword="null"/> when it answered normally.</param>
public sealed record FakeProviderRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    DateTimeOffset ArrivedAt,
    string? ApiKeyFingerprint,
    FakeFault? Fault)
{
    /// <summary>Gets a value indicating whether the request carried credentials (an <c>Authorization</c>, <c>api-key</c> or <c>x-api-key</c> header).</summary>
    public bool HasCredentials => ApiKeyFingerprint is not null;
}
