namespace ImageGen.Sdk.Keys;

/// <summary>
/// One generation of a provider's keys: the clients, their counters and the weights. Immutable once built; a
/// configuration reload builds a new pool (<see cref="Rebind"/>) and calls in flight finish on the one they started with.
/// </summary>
internal sealed class KeyPool
{
    private KeyPool(ApiKeyClient[] keys, ApiKeyCounters[] counters)
    {
        Keys = keys;
        Counters = counters;
        CumulativeWeights = new int[keys.Length];
        int total = 0;
        for (int i = 0; i < keys.Length; i++)
        {
            total = checked(total + keys[i].Weight);
            CumulativeWeights[i] = total;
        }

        HasDailyLimits = keys.Any(k => k.DailyLimit is not null);
    }

    public ApiKeyClient[] Keys { get; }

    public ApiKeyCounters[] Counters { get; }

    /// <summary>Gets the running sums of the weights, for <see cref="KeyRotationStrategy.Weighted"/>.</summary>
    public int[] CumulativeWeights { get; }

    public bool HasDailyLimits { get; }

    public int Count => Keys.Length;

    /// <summary>Builds the first pool of a provider, checking the keys.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="keys"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No keys, duplicate fingerprints, or a weight or daily limit that is not positive.</exception>
    public static KeyPool Create(IReadOnlyList<ApiKeyClient> keys, string provider)
        => new([.. Check(keys)], [.. keys.Select(k => new ApiKeyCounters(provider, k.Fingerprint))]);

    /// <summary>
    /// Builds the pool that replaces this one: a client this pool already has (the same instance) keeps its counters
    /// and health; every other client starts afresh.
    /// </summary>
    /// <param name="keys">The new clients, in configured order.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="added">The clients that start afresh (their stored state is to be reset).</param>
    public KeyPool Rebind(IReadOnlyList<ApiKeyClient> keys, string provider, out IReadOnlyList<ApiKeyClient> added)
    {
        Check(keys);
        List<ApiKeyClient> fresh = [];
        ApiKeyCounters[] counters = new ApiKeyCounters[keys.Count];
        for (int i = 0; i < keys.Count; i++)
        {
            int old = Array.IndexOf(Keys, keys[i]);
            if (old >= 0)
            {
                counters[i] = Counters[old];
            }
            else
            {
                counters[i] = new ApiKeyCounters(provider, keys[i].Fingerprint);
                fresh.Add(keys[i]);
            }
        }

        added = fresh;
        return new KeyPool([.. keys], counters);
    }

    private static IReadOnlyList<ApiKeyClient> Check(IReadOnlyList<ApiKeyClient> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one key is required.", nameof(keys));
        }

        if (keys.Select(k => k.Fingerprint).Distinct(StringComparer.Ordinal).Count() != keys.Count)
        {
            throw new ArgumentException("Two keys have the same fingerprint; fingerprints must be unique per provider.", nameof(keys));
        }

        foreach (ApiKeyClient key in keys)
        {
            if (key.Weight <= 0 || key.DailyLimit is <= 0)
            {
                throw new ArgumentException($"Key {key.Fingerprint}: weights and daily limits must be positive.", nameof(keys));
            }
        }

        return keys;
    }
}
