namespace ImageGen.Sdk;

/// <summary>
/// Where spending per budget period lives (scopes such as <c>daily:2026-01-31</c>, <c>monthly:2026-01</c>,
/// <c>user:{id}:daily:2026-01-31</c>). The default keeps it in memory; a shared store lets several app instances
/// spend from one budget.
/// </summary>
/// <remarks>Implementations are thread-safe; <see cref="TryAddAsync"/> must check and add atomically.</remarks>
public interface IBudgetSpendStore
{
    /// <summary>Adds <paramref name="amountUsd"/> to a scope only if the total stays within <paramref name="limitUsd"/>.</summary>
    /// <param name="scope">The budget scope and period.</param>
    /// <param name="amountUsd">The amount to add.</param>
    /// <param name="limitUsd">The budget.</param>
    /// <param name="expiresAt">When the period ends and the entry may be dropped.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns><see langword="true"/> when added; <see langword="false"/> when it would pass the budget (nothing added).</returns>
    ValueTask<bool> TryAddAsync(string scope, decimal amountUsd, decimal limitUsd, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="amountUsd"/> (negative to give back) to a scope unconditionally.</summary>
    /// <param name="scope">The budget scope and period.</param>
    /// <param name="amountUsd">The amount.</param>
    /// <param name="expiresAt">When the period ends and the entry may be dropped.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when the amount is stored.</returns>
    ValueTask AddAsync(string scope, decimal amountUsd, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Gets the amount spent in a scope (0 when unknown).</summary>
    /// <param name="scope">The budget scope and period.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The amount in US dollars.</returns>
    ValueTask<decimal> GetAsync(string scope, CancellationToken cancellationToken = default);
}
