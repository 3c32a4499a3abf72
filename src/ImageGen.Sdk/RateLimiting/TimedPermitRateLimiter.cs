using System.Threading.RateLimiting;

namespace ImageGen.Sdk.RateLimiting;

/// <summary>
/// A rate limit as "at most <c>permitLimit</c> starts per <c>hold</c>": each acquired permit of an inner
/// <see cref="ConcurrencyLimiter"/> is returned <c>hold</c> after the call it guards was sent, by a timer of the
/// injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// The built-in <see cref="TokenBucketRateLimiter"/> and window limiters measure replenishment with
/// <c>Stopwatch</c> (even with <c>AutoReplenishment = false</c>, <c>TryReplenish</c> adds tokens for the real time
/// elapsed), so they cannot run on an injected clock. Holding concurrency permits for a fixed time gives the same
/// limit, strictly (no window-edge doubling), keeps queueing, queue limits and fairness in the library's
/// <see cref="ConcurrencyLimiter"/>, and runs deterministically on a fake <see cref="TimeProvider"/>.
/// Because every permit is held for the same time, permits are released in the order they were used, so a FIFO
/// queue and one timer suffice.
/// <para>
/// Under steady traffic the permits that are due come back on the caller's thread, at the start of each acquisition
/// (one clock read and one field compare when none is due), in small batches; the timer only returns permits
/// nobody asked for in the meantime, and grants queued callers on time.
/// </para>
/// <para>
/// A permit is spent when the call is sent, not when it is acquired: the lease is a
/// <see cref="RefundableRateLimitLease"/>, and disposing it before <see cref="RefundableRateLimitLease.MarkUsed()"/>
/// (a chain refused at a later limiter, a cancelled or refused attempt) returns the permit at once. The hold starts
/// when the lease is marked used, so a permit taken early while the caller waits on another limiter still spaces the
/// actual sends.
/// </para>
/// </remarks>
internal sealed class TimedPermitRateLimiter : RateLimiter
{
    private readonly ConcurrencyLimiter _permits;
    private readonly TimeProvider _timeProvider;
    private readonly long _holdTicks;
    private readonly int _permitLimit;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly Queue<HeldPermit> _held = new();
    private long _headReleaseAt = long.MaxValue;
    private bool _timerArmed;
    private bool _disposed;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="permitLimit">How many calls may start per <paramref name="hold"/>.</param>
    /// <param name="hold">How long each permit stays taken.</param>
    /// <param name="queueLimit">How many callers may wait.</param>
    /// <param name="timeProvider">The clock.</param>
    public TimedPermitRateLimiter(int permitLimit, TimeSpan hold, int queueLimit, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(permitLimit);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(hold, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _permits = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = permitLimit,
            QueueLimit = queueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _timeProvider = timeProvider;
        _permitLimit = permitLimit;
        Hold = hold;
        _holdTicks = ToTimestampTicks(hold);
        _timer = timeProvider.CreateTimer(static state => ((TimedPermitRateLimiter)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Gets how long each permit stays taken.</summary>
    public TimeSpan Hold { get; }

    /// <inheritdoc />
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_gate)
            {
                return _held.Count == 0 ? _permits.IdleDuration : null;
            }
        }
    }

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics() => _permits.GetStatistics();

    /// <inheritdoc />
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        long now = _timeProvider.GetTimestamp();
        if (Volatile.Read(ref _headReleaseAt) <= now)
        {
            ReleaseDue(now);
        }

        RateLimitLease lease = _permits.AttemptAcquire(permitCount);

        // The unlocked peek above may have read a stale head; before refusing, look again under the lock.
        if (!lease.IsAcquired && permitCount > 0 && ReleaseDue(now) > 0)
        {
            lease.Dispose();
            lease = _permits.AttemptAcquire(permitCount);
        }

        return Take(lease, permitCount);
    }

    /// <inheritdoc />
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        long now = _timeProvider.GetTimestamp();
        if (Volatile.Read(ref _headReleaseAt) <= now)
        {
            ReleaseDue(now);
        }

        // A free permit completes synchronously: no state machine on that path.
        ValueTask<RateLimitLease> pending = _permits.AcquireAsync(permitCount, cancellationToken);
        return pending.IsCompletedSuccessfully
            ? new ValueTask<RateLimitLease>(Take(pending.Result, permitCount))
            : TakeAsync(pending, permitCount);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            List<HeldPermit> held;
            lock (_gate)
            {
                _disposed = true;
                held = [.. _held];
                _held.Clear();
                Volatile.Write(ref _headReleaseAt, long.MaxValue);
            }

            _timer.Dispose();
            foreach (HeldPermit permit in held)
            {
                permit.Lease.Dispose();
            }

            _permits.Dispose();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<RateLimitLease> TakeAsync(ValueTask<RateLimitLease> pending, int permitCount)
        => Take(await pending.ConfigureAwait(false), permitCount);

    private RateLimitLease Take(RateLimitLease lease, int permitCount)
    {
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            return new RefusedLease(EstimateWait(permitCount));
        }

        return permitCount == 0 ? lease : new TimedLease(this, lease);
    }

    /// <summary>Starts the hold of a used permit: the timer returns it <see cref="Hold"/> from now.</summary>
    private void StartHold(RateLimitLease lease)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                long releaseAt = _timeProvider.GetTimestamp() + _holdTicks;
                _held.Enqueue(new HeldPermit(releaseAt, lease));
                if (_held.Count == 1)
                {
                    Volatile.Write(ref _headReleaseAt, releaseAt);
                }

                if (!_timerArmed)
                {
                    _timerArmed = true;
                    _timer.Change(Hold, Timeout.InfiniteTimeSpan);
                }

                return;
            }
        }

        lease.Dispose();
    }

    /// <summary>The timer's tick: returns the due permits, then waits for the next one if any is held.</summary>
    private void OnTimer()
    {
        long now = _timeProvider.GetTimestamp();
        ReleaseDue(now);
        lock (_gate)
        {
            if (!_disposed && _held.TryPeek(out HeldPermit next))
            {
                _timer.Change(FromTimestampTicks(next.ReleaseAt - now), Timeout.InfiniteTimeSpan);
            }
            else
            {
                _timerArmed = false;
            }
        }
    }

    /// <summary>Returns every held permit due at <paramref name="now"/>, oldest first; returns how many.</summary>
    /// <remarks>
    /// One permit per turn of the lock, disposed outside it: a release grants the next queued caller, which may take
    /// a permit at once, and no batch has to be collected (or allocated) first. Under steady traffic each caller
    /// finds one or two due permits, so the lock is short and seldom contended.
    /// </remarks>
    private int ReleaseDue(long now)
    {
        int released = 0;
        while (true)
        {
            RateLimitLease lease;
            lock (_gate)
            {
                if (!_held.TryPeek(out HeldPermit head) || head.ReleaseAt > now)
                {
                    return released;
                }

                _held.Dequeue();
                Volatile.Write(ref _headReleaseAt, _held.TryPeek(out HeldPermit next) ? next.ReleaseAt : long.MaxValue);
                lease = head.Lease;
            }

            lease.Dispose();
            released++;
        }
    }

    /// <summary>
    /// Estimates how long a new caller waits: until the next held permit returns, plus one hold for every
    /// <c>permitLimit</c> callers already queued ahead of it. Permits taken but not yet used are not counted, so this
    /// is a lower bound (a caller it refuses could not have been served in time).
    /// </summary>
    private TimeSpan EstimateWait(int permitCount)
    {
        long queued = _permits.GetStatistics()?.CurrentQueuedCount ?? 0;
        lock (_gate)
        {
            if (!_held.TryPeek(out HeldPermit head))
            {
                return TimeSpan.Zero;
            }

            long next = Math.Max(0, head.ReleaseAt - _timeProvider.GetTimestamp());
            long rounds = (queued + permitCount - 1) / _permitLimit;
            return FromTimestampTicks(next) + (Hold * rounds);
        }
    }

    private long ToTimestampTicks(TimeSpan span)
        => (long)Math.Ceiling(span.Ticks * (double)_timeProvider.TimestampFrequency / TimeSpan.TicksPerSecond);

    private TimeSpan FromTimestampTicks(long ticks)
    {
        // Round up so the timer never fires before the permit is due (and never with a zero due time).
        long spanTicks = (long)Math.Ceiling(ticks * (double)TimeSpan.TicksPerSecond / _timeProvider.TimestampFrequency);
        return TimeSpan.FromTicks(Math.Max(1, spanTicks));
    }

    private readonly record struct HeldPermit(long ReleaseAt, RateLimitLease Lease);

    /// <summary>A permit that goes back at once when disposed unused, and after the hold once used.</summary>
    private sealed class TimedLease(TimedPermitRateLimiter owner, RateLimitLease permit) : RefundableRateLimitLease
    {
        private const int Unused = 0;
        private const int Used = 1;
        private const int Returned = 2;
        private int _state;

        public override IEnumerable<string> MetadataNames => [];

        public override void MarkUsed()
        {
            if (Interlocked.CompareExchange(ref _state, Used, Unused) == Unused)
            {
                owner.StartHold(permit);
            }
        }

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            // A used permit belongs to the hold queue now; an unused one was never spent.
            if (disposing && Interlocked.CompareExchange(ref _state, Returned, Unused) == Unused)
            {
                permit.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>A refused lease carrying when the next permit returns.</summary>
    private sealed class RefusedLease(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = retryAfter;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
