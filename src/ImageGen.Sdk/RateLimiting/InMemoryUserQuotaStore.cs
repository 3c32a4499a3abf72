using System.Collections.Concurrent;

namespace ImageGen.Sdk;

/// <summary>The default <see cref="IUserQuotaStore"/>: this process's daily counts, one entry per user, reset when the day changes.</summary>
public sealed class InMemoryUserQuotaStore : IUserQuotaStore
{
    private readonly ConcurrentDictionary<string, DailyCount> _counts = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<bool> TryConsumeAsync(string user, DateOnly day, int images, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        while (true)
        {
            DailyCount current = _counts.GetOrAdd(user, static (_, d) => new DailyCount(d, 0), day);
            int used = current.Day == day ? current.Images : 0;
            if (used + images > limit)
            {
                return ValueTask.FromResult(false);
            }

            if (_counts.TryUpdate(user, new DailyCount(day, used + images), current))
            {
                return ValueTask.FromResult(true);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(string user, DateOnly day, int images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        while (_counts.TryGetValue(user, out DailyCount? current) && current.Day == day)
        {
            if (_counts.TryUpdate(user, current with { Images = Math.Max(0, current.Images - images) }, current))
            {
                break;
            }
        }

        return ValueTask.CompletedTask;
    }

    private sealed record DailyCount(DateOnly Day, int Images);
}
