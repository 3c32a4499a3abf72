using ImageGen.Sdk.Keys;

namespace ImageGen.Sdk;

/// <summary>
/// The <see cref="IKeyPoolMonitor"/> that key-rotation layers report to. <c>AddImageGeneration()</c> registers one;
/// pass one to <c>UseKeyRotation</c> when composing by hand.
/// </summary>
public sealed class KeyPoolMonitor : IKeyPoolMonitor
{
    private readonly IKeyStateStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private readonly List<ApiKeyCounters> _keys = [];

    /// <summary>Initializes a new instance.</summary>
    /// <param name="store">Where key states are read from.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="store"/> is <see langword="null"/>.</exception>
    public KeyPoolMonitor(IKeyStateStore store, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ApiKeyStatistics>> GetKeysAsync(string? provider = null, CancellationToken cancellationToken = default)
    {
        ApiKeyCounters[] keys;
        lock (_gate)
        {
            keys = [.. _keys.Where(k => provider is null || string.Equals(k.Provider, provider, StringComparison.OrdinalIgnoreCase))];
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        List<ApiKeyStatistics> result = new(keys.Length);
        foreach (ApiKeyCounters key in keys)
        {
            ApiKeyStatus status = await _store.GetAsync(key.Provider, key.Fingerprint, cancellationToken).ConfigureAwait(false);
            result.Add(key.Snapshot(status, now));
        }

        return result;
    }

    /// <summary>Adds a provider's keys; a provider registered again replaces its earlier keys.</summary>
    internal void Register(string provider, IReadOnlyList<ApiKeyCounters> keys)
    {
        lock (_gate)
        {
            _keys.RemoveAll(k => string.Equals(k.Provider, provider, StringComparison.OrdinalIgnoreCase));
            _keys.AddRange(keys);
        }
    }
}
