using System.Globalization;

namespace ImageGen.Sdk.Pricing;

/// <summary>Reserves a call's estimated cost against every configured budget, and settles it with the actual cost.</summary>
/// <remarks>
/// Reserving (check and add atomically, per scope) rather than checking then recording keeps concurrent calls from
/// all passing the check and overrunning the budget together. A failed call gives its reservation back.
/// </remarks>
internal sealed class BudgetGuard
{
    private readonly BudgetOptions _options;
    private readonly IBudgetSpendStore _store;
    private readonly TimeProvider _timeProvider;

    public BudgetGuard(BudgetOptions options, IBudgetSpendStore store, TimeProvider timeProvider)
    {
        _options = options;
        _store = store;
        _timeProvider = timeProvider;
    }

    /// <summary>Reserves <paramref name="amountUsd"/> in every budget, or throws <see cref="ImageGenerationErrorKind.BudgetExceeded"/> having reserved nothing.</summary>
    public async ValueTask<Reservation> ReserveAsync(string provider, string? user, decimal amountUsd, CancellationToken cancellationToken)
    {
        List<Scope> scopes = GetScopes(user);
        List<Scope> reserved = new(scopes.Count);
        foreach (Scope scope in scopes)
        {
            if (await _store.TryAddAsync(scope.Key, amountUsd, scope.LimitUsd, scope.EndsAt, cancellationToken).ConfigureAwait(false))
            {
                reserved.Add(scope);
                continue;
            }

            await AddAsync(reserved, -amountUsd).ConfigureAwait(false);
            decimal spent = await _store.GetAsync(scope.Key, CancellationToken.None).ConfigureAwait(false);
            throw new ImageGenerationException(
                ImageGenerationErrorKind.BudgetExceeded,
                string.Create(CultureInfo.InvariantCulture, $"The {scope.Name} budget of {scope.LimitUsd:0.00##} USD would be exceeded: {spent:0.00##} USD spent, this call is estimated at {amountUsd:0.00##} USD. The call was not sent."))
            {
                Provider = provider,
                RetryAfter = scope.EndsAt - _timeProvider.GetUtcNow(),
                IsLocalRefusal = true,
            };
        }

        return new Reservation(reserved, amountUsd);
    }

    /// <summary>Replaces a reservation with the actual cost (<see langword="null"/>: keep the estimate).</summary>
    public ValueTask SettleAsync(Reservation reservation, decimal? actualUsd)
        => actualUsd is { } actual && actual != reservation.AmountUsd ? AddAsync(reservation.Scopes, actual - reservation.AmountUsd) : ValueTask.CompletedTask;

    /// <summary>Gives a reservation back (the call failed, so it cost nothing).</summary>
    public ValueTask ReleaseAsync(Reservation reservation) => AddAsync(reservation.Scopes, -reservation.AmountUsd);

    /// <summary>Records spending that had no estimate, without a check.</summary>
    public ValueTask RecordAsync(string? user, decimal amountUsd) => AddAsync(GetScopes(user), amountUsd);

    private async ValueTask AddAsync(IReadOnlyList<Scope> scopes, decimal amountUsd)
    {
        // Settling must happen even when the caller has given up; the money is spent either way.
        foreach (Scope scope in scopes)
        {
            await _store.AddAsync(scope.Key, amountUsd, scope.EndsAt, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private List<Scope> GetScopes(string? user)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        DateTimeOffset dayStart = new(now.UtcDateTime.Date, TimeSpan.Zero);
        DateTimeOffset nextDay = dayStart.AddDays(1);
        string day = dayStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        List<Scope> scopes = new(3);
        if (_options.DailyUsd is { } daily)
        {
            scopes.Add(new Scope("daily", "daily:" + day, daily, nextDay));
        }

        if (_options.MonthlyUsd is { } monthly)
        {
            DateTimeOffset monthStart = new(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
            scopes.Add(new Scope("monthly", "monthly:" + monthStart.ToString("yyyy-MM", CultureInfo.InvariantCulture), monthly, monthStart.AddMonths(1)));
        }

        if (_options.PerUserDailyUsd is { } perUser && !string.IsNullOrEmpty(user))
        {
            scopes.Add(new Scope("per-user daily", $"user:{user}:daily:{day}", perUser, nextDay));
        }

        return scopes;
    }

    /// <summary>A reservation: the scopes it holds and the amount in each.</summary>
    internal sealed record Reservation(IReadOnlyList<Scope> Scopes, decimal AmountUsd);

    /// <summary>One budget in one period.</summary>
    internal sealed record Scope(string Name, string Key, decimal LimitUsd, DateTimeOffset EndsAt);
}
