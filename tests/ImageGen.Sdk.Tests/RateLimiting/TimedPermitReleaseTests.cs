using System.Threading.RateLimiting;
using ImageGen.Sdk.RateLimiting;

namespace ImageGen.Sdk.Tests.RateLimiting;

/// <summary>
/// A held permit that is due comes back when the next caller asks for one, without waiting for the limiter's timer,
/// and is still held until then.
/// </summary>
public sealed class TimedPermitReleaseTests
{
    [Test]
    public void A_due_permit_comes_back_on_AttemptAcquire_without_the_timer_firing()
    {
        SilentTimerClock clock = new();
        using TimedPermitRateLimiter limiter = new(2, TimeSpan.FromSeconds(1), queueLimit: 0, clock);
        SpendOne(limiter);
        clock.Advance(TimeSpan.FromMilliseconds(400));
        SpendOne(limiter);

        using (RateLimitLease refused = limiter.AttemptAcquire(1))
        {
            Assert.That(refused.IsAcquired, Is.False, "both permits are held");
        }

        clock.Advance(TimeSpan.FromMilliseconds(599));
        using (RateLimitLease early = limiter.AttemptAcquire(1))
        {
            Assert.That(early.IsAcquired, Is.False, "1 ms before the first hold ends nothing is due");
            Assert.That(early.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter), Is.True);
            Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(1)));
        }

        clock.Advance(TimeSpan.FromMilliseconds(1));
        using (RateLimitLease first = limiter.AttemptAcquire(1))
        {
            Assert.That(first.IsAcquired, Is.True, "the first permit is due and came back on this call");
            using RateLimitLease second = limiter.AttemptAcquire(1);
            Assert.That(second.IsAcquired, Is.False, "the second permit is held 400 ms longer");
        }

        Assert.That(clock.Armed, Is.EqualTo(1), "the timer is still armed for the permits nobody asks for");
    }

    [Test]
    public void A_due_permit_comes_back_on_AcquireAsync_and_completes_synchronously()
    {
        SilentTimerClock clock = new();
        using TimedPermitRateLimiter limiter = new(1, TimeSpan.FromSeconds(1), queueLimit: 10, clock);
        SpendOne(limiter);
        clock.Advance(TimeSpan.FromSeconds(1));

        Task<RateLimitLease> next = limiter.AcquireAsync(1).AsTask();

        Assert.That(next.IsCompletedSuccessfully, Is.True, "the due permit was returned before acquiring, so nothing waited");
        using RateLimitLease lease = next.Result;
        Assert.That(lease.IsAcquired, Is.True);
    }

    [Test]
    public void Several_due_permits_come_back_in_one_call_and_a_later_one_stays_held()
    {
        SilentTimerClock clock = new();
        using TimedPermitRateLimiter limiter = new(3, TimeSpan.FromSeconds(1), queueLimit: 0, clock);
        SpendOne(limiter);
        SpendOne(limiter);
        clock.Advance(TimeSpan.FromMilliseconds(500));
        SpendOne(limiter);
        clock.Advance(TimeSpan.FromMilliseconds(500));

        using RateLimitLease a = limiter.AttemptAcquire(1);
        using RateLimitLease b = limiter.AttemptAcquire(1);
        using RateLimitLease c = limiter.AttemptAcquire(1);

        Assert.That((a.IsAcquired, b.IsAcquired, c.IsAcquired), Is.EqualTo((true, true, false)));
    }

    private static void SpendOne(TimedPermitRateLimiter limiter)
    {
        using RateLimitLease lease = limiter.AttemptAcquire(1);
        Assert.That(lease.IsAcquired, Is.True);
        RefundableRateLimitLease.MarkUsed(lease);
    }

    /// <summary>A clock moved by hand whose timers record that they were armed but never fire.</summary>
    private sealed class SilentTimerClock : TimeProvider
    {
        private long _timestamp;

        public int Armed { get; private set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _timestamp;

        public void Advance(TimeSpan by) => _timestamp += by.Ticks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new SilentTimer(this);

        private sealed class SilentTimer(SilentTimerClock owner) : ITimer
        {
            private bool _armed;

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                bool arm = dueTime != Timeout.InfiniteTimeSpan;
                owner.Armed += (arm ? 1 : 0) - (_armed ? 1 : 0);
                _armed = arm;
                return true;
            }

            public void Dispose() => Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
