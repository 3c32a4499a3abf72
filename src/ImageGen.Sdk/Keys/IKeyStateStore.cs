namespace ImageGen.Sdk;

/// <summary>
/// Where API-key health and daily counts live, keyed by provider name and key fingerprint (never the key). The
/// default keeps them in memory; a shared store lets several app instances see the same cooling and retired keys.
/// </summary>
/// <remarks>
/// Implementations are thread-safe. A <see cref="ApiKeyState.Retired"/> key stays retired when told to cool or park
/// it (a late write of a call that started before the rejection); only <see cref="ApiKeyStatus.Active"/> (a probe that
/// succeeded, or a key new in configuration) or a newer retirement replaces it.
/// </remarks>
public interface IKeyStateStore
{
    /// <summary>Gets a key's status; <see cref="ApiKeyStatus.Active"/> for a key never seen.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="fingerprint">The key's fingerprint.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status.</returns>
    ValueTask<ApiKeyStatus> GetAsync(string provider, string fingerprint, CancellationToken cancellationToken = default);

    /// <summary>Sets a key's status; a retired key ignores <see cref="ApiKeyState.Cooling"/> and <see cref="ApiKeyState.Parked"/>.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="fingerprint">The key's fingerprint.</param>
    /// <param name="status">The new status.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the status is stored.</returns>
    ValueTask SetAsync(string provider, string fingerprint, ApiKeyStatus status, CancellationToken cancellationToken = default);

    /// <summary>Adds one call to a key's count for a UTC day and returns the new count.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="fingerprint">The key's fingerprint.</param>
    /// <param name="day">The UTC day.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>The count including this call.</returns>
    ValueTask<long> IncrementDailyCountAsync(string provider, string fingerprint, DateOnly day, CancellationToken cancellationToken = default);
}
