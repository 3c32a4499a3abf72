namespace ImageGen.Sdk.Keys;

/// <summary>Lock-free counters of one key in this process, and its in-process health: retirement, probe and 429 streak.</summary>
internal sealed class ApiKeyCounters
{
    private static readonly int KindCount = Enum.GetValues<ImageGenerationErrorKind>().Length;
    private readonly long[] _failures = new long[KindCount];
    private long _requests;
    private long _successes;
    private long _inFlight;
    private int _retired;
    private int _probing;
    private long _probeAtTicks;
    private int _rateLimitStreak;

    public ApiKeyCounters(string provider, string fingerprint)
    {
        Provider = provider;
        Fingerprint = fingerprint;
    }

    public string Provider { get; }

    public string Fingerprint { get; }

    public long Requests => Volatile.Read(ref _requests);

    public long InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Gets a value indicating whether this process retired the key (kept locally so a retired key stays unused even if a shared store forgets).</summary>
    public bool IsRetired => Volatile.Read(ref _retired) != 0;

    public void Started()
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _inFlight);
    }

    public void Succeeded()
    {
        Volatile.Write(ref _rateLimitStreak, 0);
        Interlocked.Increment(ref _successes);
        Interlocked.Decrement(ref _inFlight);
    }

    public void Failed(ImageGenerationErrorKind? kind)
    {
        if (kind is { } k && (int)k >= 0 && (int)k < KindCount)
        {
            Interlocked.Increment(ref _failures[(int)k]);
        }

        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Counts a 429 on the key and returns how many came in a row (a success resets it).</summary>
    public int RateLimited() => Interlocked.Increment(ref _rateLimitStreak);

    /// <summary>
    /// Marks the key retired until a probe at <paramref name="probeAt"/>; returns <see langword="true"/> only when the
    /// key was in use, so a retirement is logged once and a failed probe apart from it.
    /// </summary>
    public bool Retire(DateTimeOffset probeAt)
    {
        Volatile.Write(ref _probeAtTicks, probeAt.UtcTicks);
        bool first = Interlocked.Exchange(ref _retired, 1) == 0;
        Volatile.Write(ref _probing, 0);
        return first;
    }

    /// <summary>Gets when a retired key may be probed.</summary>
    public DateTimeOffset ProbeAt => new(Volatile.Read(ref _probeAtTicks), TimeSpan.Zero);

    /// <summary>
    /// Claims the one probe of a retired key whose probe time has come: <see langword="true"/> for exactly one caller
    /// until <see cref="Revive"/>, <see cref="Retire"/> or <see cref="EndProbe"/>, so a probe is one request, not a stampede.
    /// </summary>
    public bool TryStartProbe(DateTimeOffset now)
        => IsRetired && now.UtcTicks >= Volatile.Read(ref _probeAtTicks) && Interlocked.CompareExchange(ref _probing, 1, 0) == 0;

    /// <summary>Ends a probe that proved nothing (a server error, a time-out): the next call may probe again.</summary>
    public void EndProbe() => Volatile.Write(ref _probing, 0);

    /// <summary>Puts a retired key back in use after its probe succeeded.</summary>
    public void Revive()
    {
        Volatile.Write(ref _rateLimitStreak, 0);
        Volatile.Write(ref _retired, 0);
        Volatile.Write(ref _probing, 0);
    }

    public ApiKeyStatistics Snapshot(ApiKeyStatus status, DateTimeOffset now)
    {
        Dictionary<ImageGenerationErrorKind, long> failures = [];
        for (int i = 0; i < _failures.Length; i++)
        {
            long count = Volatile.Read(ref _failures[i]);
            if (count > 0)
            {
                failures[(ImageGenerationErrorKind)i] = count;
            }
        }

        ApiKeyState state = IsRetired ? ApiKeyState.Retired : status.EffectiveState(now);
        return new ApiKeyStatistics
        {
            Provider = Provider,
            Fingerprint = Fingerprint,
            Requests = Requests,
            Successes = Volatile.Read(ref _successes),
            InFlight = InFlight,
            Failures = failures,
            State = state,
            Until = state is ApiKeyState.Cooling or ApiKeyState.Parked ? status.Until : IsRetired ? ProbeAt : null,
        };
    }
}
