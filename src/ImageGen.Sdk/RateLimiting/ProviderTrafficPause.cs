namespace ImageGen.Sdk.RateLimiting;

/// <summary>
/// The time until which one provider's traffic is paused, shared lock-free by every call of that provider: a later
/// pause always wins, and a pause that is over is cleared so calls take the fast path again.
/// </summary>
internal sealed class ProviderTrafficPause
{
    private long _untilUtcTicks;

    /// <summary>Gets whether a pause was ever set and not yet cleared (the cheap check of the fast path).</summary>
    public bool IsSet => Volatile.Read(ref _untilUtcTicks) != 0;

    /// <summary>Gets the end of the pause, or <see langword="null"/> when it is over at <paramref name="now"/>.</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The end of the pause.</returns>
    public DateTimeOffset? Until(DateTimeOffset now)
    {
        long ticks = Volatile.Read(ref _untilUtcTicks);
        return ticks > now.UtcTicks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
    }

    /// <summary>Moves the pause to <paramref name="until"/> unless a later one is in place.</summary>
    /// <param name="until">When calls may flow again.</param>
    /// <returns><see langword="true"/> when it moved.</returns>
    public bool TryExtend(DateTimeOffset until)
    {
        long target = until.UtcTicks;
        long current = Volatile.Read(ref _untilUtcTicks);
        while (target > current)
        {
            long seen = Interlocked.CompareExchange(ref _untilUtcTicks, target, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Gets how long the pause still lasts, clearing it when it is over (unless a newer one arrived).</summary>
    /// <param name="now">The current time.</param>
    /// <returns>The time left; zero when there is no pause.</returns>
    public TimeSpan Remaining(DateTimeOffset now)
    {
        long until = Volatile.Read(ref _untilUtcTicks);
        if (until == 0)
        {
            return TimeSpan.Zero;
        }

        TimeSpan remaining = new DateTimeOffset(until, TimeSpan.Zero) - now;
        if (remaining > TimeSpan.Zero)
        {
            return remaining;
        }

        Interlocked.CompareExchange(ref _untilUtcTicks, 0, until);
        return TimeSpan.Zero;
    }
}
