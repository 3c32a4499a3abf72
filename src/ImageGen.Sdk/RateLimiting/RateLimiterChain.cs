using System.Threading.RateLimiting;

namespace ImageGen.Sdk.RateLimiting;

/// <summary>
/// Takes a permit from each limiter in order; when one refuses, gives back the permits already taken.
/// </summary>
/// <remarks>
/// <see cref="RateLimiter.CreateChained"/> does the same, but its lease hides the inner leases, so a caller cannot
/// mark them used (<see cref="RefundableRateLimitLease"/>): every timed permit it took would be kept until its hold
/// ends even when the call was never sent.
/// </remarks>
internal sealed class RateLimiterChain : RateLimiter
{
    private readonly RateLimiter[] _limiters;
    private readonly bool _ownsLimiters;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="limiters">The limiters, in the order permits are taken.</param>
    /// <param name="ownsLimiters">Whether disposing the chain disposes the limiters.</param>
    public RateLimiterChain(RateLimiter[] limiters, bool ownsLimiters)
    {
        ArgumentNullException.ThrowIfNull(limiters);
        ArgumentOutOfRangeException.ThrowIfLessThan(limiters.Length, 2);
        _limiters = limiters;
        _ownsLimiters = ownsLimiters;
    }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration
    {
        get
        {
            TimeSpan? idle = null;
            foreach (RateLimiter limiter in _limiters)
            {
                if (limiter.IdleDuration is not { } span)
                {
                    return null;
                }

                idle = idle is null || span < idle ? span : idle;
            }

            return idle;
        }
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics()
    {
        long available = long.MaxValue;
        long queued = 0;
        long failed = 0;
        long successful = long.MaxValue;
        bool any = false;
        foreach (RateLimiter limiter in _limiters)
        {
            if (limiter.GetStatistics() is not { } statistics)
            {
                continue;
            }

            any = true;
            available = Math.Min(available, statistics.CurrentAvailablePermits);
            queued += statistics.CurrentQueuedCount;
            failed += statistics.TotalFailedLeases;
            successful = Math.Min(successful, statistics.TotalSuccessfulLeases);
        }

        return any
            ? new RateLimiterStatistics { CurrentAvailablePermits = available, CurrentQueuedCount = queued, TotalFailedLeases = failed, TotalSuccessfulLeases = successful }
            : null;
    }

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ChainLease taken = new(_limiters.Length);
        for (int i = 0; i < _limiters.Length; i++)
        {
            RateLimitLease lease = _limiters[i].AttemptAcquire(permitCount);
            if (!lease.IsAcquired)
            {
                taken.GiveBack();
                return lease;
            }

            taken.Add(lease);
        }

        return taken;
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ChainLease taken = new(_limiters.Length);
        try
        {
            for (int i = 0; i < _limiters.Length; i++)
            {
                RateLimitLease lease = await _limiters[i].AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
                if (!lease.IsAcquired)
                {
                    taken.GiveBack();
                    return lease;
                }

                taken.Add(lease);
            }
        }
        catch
        {
            taken.GiveBack();
            throw;
        }

        return taken;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && _ownsLimiters)
        {
            foreach (RateLimiter limiter in _limiters)
            {
                limiter.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>The permits of every limiter; marking it used marks each of them.</summary>
    /// <remarks>
    /// The first two leases live in fields, so the usual chain (a concurrency slot and one timed permit) costs one
    /// object per call rather than a lease and an array.
    /// </remarks>
    private sealed class ChainLease(int capacity) : RefundableRateLimitLease
    {
        private readonly RateLimitLease[]? _more = capacity > 2 ? new RateLimitLease[capacity - 2] : null;
        private RateLimitLease? _first;
        private RateLimitLease? _second;
        private int _count;

        public override IEnumerable<string> MetadataNames => Leases().SelectMany(l => l.MetadataNames).Distinct();

        public void Add(RateLimitLease lease)
        {
            switch (_count)
            {
                case 0:
                    _first = lease;
                    break;
                case 1:
                    _second = lease;
                    break;
                default:
                    _more![_count - 2] = lease;
                    break;
            }

            _count++;
        }

        /// <summary>Disposes the leases taken so far, last first.</summary>
        public void GiveBack()
        {
            for (int i = _count - 1; i >= 0; i--)
            {
                LeaseAt(i).Dispose();
            }

            _count = 0;
        }

        public override void MarkUsed()
        {
            for (int i = 0; i < _count; i++)
            {
                RefundableRateLimitLease.MarkUsed(LeaseAt(i));
            }
        }

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            for (int i = 0; i < _count; i++)
            {
                if (LeaseAt(i).TryGetMetadata(metadataName, out metadata))
                {
                    return true;
                }
            }

            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                GiveBack();
            }

            base.Dispose(disposing);
        }

        private RateLimitLease LeaseAt(int index) => index switch
        {
            0 => _first!,
            1 => _second!,
            _ => _more![index - 2],
        };

        private IEnumerable<RateLimitLease> Leases()
        {
            for (int i = 0; i < _count; i++)
            {
                yield return LeaseAt(i);
            }
        }
    }
}
