using System.Text.RegularExpressions;

namespace ImageGen.Sdk.Providers;

/// <summary>
/// Removes the client's own API key and anything shaped like a provider key (OpenAI and Stability <c>sk-</c>,
/// Replicate <c>r8_</c>, Google <c>AIza</c>) from provider-written text, leaving a fingerprint for support.
/// </summary>
internal sealed partial class SecretRedactor
{
    private readonly string _apiKey;

    public SecretRedactor(string apiKey)
    {
        _apiKey = apiKey;
    }

    /// <summary>Replaces keys with fingerprints.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text without keys.</returns>
    public string Redact(string text)
    {
        if (_apiKey.Length > 0 && text.Contains(_apiKey, StringComparison.Ordinal))
        {
            text = text.Replace(_apiKey, Fingerprint(_apiKey), StringComparison.Ordinal);
        }

        return KeyLikeToken().Replace(text, m => Fingerprint(m.Value));
    }

    /// <summary>Shows a key's first three and last four characters, or nothing of a short one.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The fingerprint.</returns>
    internal static string Fingerprint(string key) => key.Length <= 8 ? "***" : string.Concat(key.AsSpan(0, 3), "…", key.AsSpan(key.Length - 4));

    [GeneratedRegex(@"\b(?:(?:sk|sess|pk)-[A-Za-z0-9_\-\*]{12,}|r8_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_\-]{30,})", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex KeyLikeToken();
}
