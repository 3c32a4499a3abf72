namespace ImageGen.Sdk;

/// <summary>Turns an API key into a short, non-secret label for logs, monitors and shared state, such as <c>sk-…a1b2</c>.</summary>
public static class ApiKeyFingerprint
{
    /// <summary>Creates the fingerprint of <paramref name="apiKey"/>: at most its first 3 and last 4 characters, and less for short keys.</summary>
    /// <param name="apiKey">The key.</param>
    /// <returns>The fingerprint; never the key itself.</returns>
    /// <exception cref="ArgumentException"><paramref name="apiKey"/> is null, empty or white space.</exception>
    public static string Create(string apiKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        string key = apiKey.Trim();

        // Reveal at most a quarter of the key, so short keys (test keys, some gateways) show little or nothing.
        int suffix = key.Length >= 16 ? 4 : key.Length >= 8 ? 2 : 0;
        int prefix = key.Length >= 16 ? 3 : 0;
        return string.Concat(key.AsSpan(0, prefix), "…", key.AsSpan(key.Length - suffix));
    }
}
