using System.Collections.Concurrent;

namespace ImageGen.Sdk;

/// <summary>The default <see cref="IKeyStateStore"/>: key health and daily counts of this process, in memory.</summary>
public sealed class InMemoryKeyStateStore : IKeyStateStore
{
    private readonly ConcurrentDictionary<(string Provider, string Fingerprint), ApiKeyStatus> _status = new();
    private readonly ConcurrentDictionary<(string Provider, string Fingerprint), DailyCount> _counts = new();

    /// <inheritdoc />
    public ValueTask<ApiKeyStatus> GetAsync(string provider, string fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(fingerprint);
        return ValueTask.FromResult(_status.TryGetValue((provider, fingerprint), out ApiKeyStatus status) ? status : ApiKeyStatus.Active);
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string provider, string fingerprint, ApiKeyStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(fingerprint);
        _status.AddOrUpdate(
            (provider, fingerprint),
            static (_, next) => next,
            static (_, current, next) => current.State == ApiKeyState.Retired && next.State is ApiKeyState.Cooling or ApiKeyState.Parked ? current : next,
            status);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> IncrementDailyCountAsync(string provider, string fingerprint, DateOnly day, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(fingerprint);

        // One entry per key, reset when the day changes, so the store does not grow with time.
        DailyCount count = _counts.AddOrUpdate(
            (provider, fingerprint),
            static (_, d) => new DailyCount(d, 1),
            static (_, current, d) => current.Day == d ? current with { Count = current.Count + 1 } : new DailyCount(d, 1),
            day);
        return ValueTask.FromResult(count.Count);
    }

    private sealed record DailyCount(DateOnly Day, long Count);
}
