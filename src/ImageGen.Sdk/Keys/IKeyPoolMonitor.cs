namespace ImageGen.Sdk;

/// <summary>
/// Reports each API key's calls, failures by kind and health, per provider and key fingerprint, for dashboards and
/// health checks. Inject it from the container after <c>AddImageGeneration()</c>.
/// </summary>
public interface IKeyPoolMonitor
{
    /// <summary>Gets the statistics of every key, or of one provider's keys.</summary>
    /// <param name="provider">The provider name; every provider when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels reading key states from the store.</param>
    /// <returns>One entry per key, in configured order.</returns>
    ValueTask<IReadOnlyList<ApiKeyStatistics>> GetKeysAsync(string? provider = null, CancellationToken cancellationToken = default);
}
