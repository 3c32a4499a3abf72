namespace ImageGen.Sdk;

/// <summary>The default <see cref="IBudgetSpendStore"/>: this process's spending, in memory; ended periods are dropped.</summary>
public sealed class InMemoryBudgetSpendStore : IBudgetSpendStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (decimal Amount, DateTimeOffset ExpiresAt)> _spend = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private DateTimeOffset _nextPrune;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="timeProvider">The clock that decides when ended periods are dropped; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public InMemoryBudgetSpendStore(TimeProvider? timeProvider = null) => _timeProvider = timeProvider ?? TimeProvider.System;

    /// <inheritdoc />
    public ValueTask<bool> TryAddAsync(string scope, decimal amountUsd, decimal limitUsd, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        lock (_gate)
        {
            PruneIfDue();
            decimal current = _spend.TryGetValue(scope, out var entry) ? entry.Amount : 0m;
            if (current + amountUsd > limitUsd)
            {
                return ValueTask.FromResult(false);
            }

            _spend[scope] = (current + amountUsd, expiresAt);
            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask AddAsync(string scope, decimal amountUsd, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        lock (_gate)
        {
            PruneIfDue();
            decimal current = _spend.TryGetValue(scope, out var entry) ? entry.Amount : 0m;
            _spend[scope] = (current + amountUsd, expiresAt);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<decimal> GetAsync(string scope, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scope);
        lock (_gate)
        {
            return ValueTask.FromResult(_spend.TryGetValue(scope, out var entry) ? entry.Amount : 0m);
        }
    }

    private void PruneIfDue()
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        if (now < _nextPrune)
        {
            return;
        }

        // Per-user daily scopes would otherwise grow without end; once an hour is plenty.
        _nextPrune = now.AddHours(1);
        foreach (string scope in _spend.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList())
        {
            _spend.Remove(scope);
        }
    }
}
