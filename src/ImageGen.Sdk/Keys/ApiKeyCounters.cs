namespace ImageGen.Sdk.Keys;

/// <summary>Lock-free counters of one key in this process.</summary>
internal sealed class ApiKeyCounters
{
    private static readonly int KindCount = Enum.GetValues<ImageGenerationErrorKind>().Length;
    private readonly long[] _failures = new long[KindCount];
    private long _requests;
    private long _successes;
    private long _inFlight;
    private int _retired;

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

    /// <summary>Marks the key retired; returns <see langword="true"/> only for the first caller, so the retirement is logged once.</summary>
    public bool Retire() => Interlocked.Exchange(ref _retired, 1) == 0;

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
            Until = state is ApiKeyState.Cooling or ApiKeyState.Parked ? status.Until : null,
        };
    }
}
