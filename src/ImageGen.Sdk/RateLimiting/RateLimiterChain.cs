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
        RateLimitLease[] taken = new RateLimitLease[_limiters.Length];
        for (int i = 0; i < _limiters.Length; i++)
        {
            RateLimitLease lease = _limiters[i].AttemptAcquire(permitCount);
            if (!lease.IsAcquired)
            {
                GiveBack(taken, i);
                return lease;
            }

            taken[i] = lease;
        }

        return new ChainLease(taken);
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        RateLimitLease[] taken = new RateLimitLease[_limiters.Length];
        int count = 0;
        try
        {
            for (; count < _limiters.Length; count++)
            {
                RateLimitLease lease = await _limiters[count].AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
                if (!lease.IsAcquired)
                {
                    GiveBack(taken, count);
                    return lease;
                }

                taken[count] = lease;
            }
        }
        catch
        {
            GiveBack(taken, count);
            throw;
        }

        return new ChainLease(taken);
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

    private static void GiveBack(RateLimitLease[] taken, int count)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            taken[i].Dispose();
        }
    }

    /// <summary>The permits of every limiter; marking it used marks each of them.</summary>
    private sealed class ChainLease(RateLimitLease[] leases) : RefundableRateLimitLease
    {
        public override IEnumerable<string> MetadataNames => leases.SelectMany(l => l.MetadataNames).Distinct();

        public override void MarkUsed()
        {
            foreach (RateLimitLease lease in leases)
            {
                RefundableRateLimitLease.MarkUsed(lease);
            }
        }

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            foreach (RateLimitLease lease in leases)
            {
                if (lease.TryGetMetadata(metadataName, out metadata))
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
                GiveBack(leases, leases.Length);
            }

            base.Dispose(disposing);
        }
    }
}
