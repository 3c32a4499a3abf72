using System.Threading.RateLimiting;

namespace ImageGen.Sdk.RateLimiting;

/// <summary>
/// An acquired lease whose permit goes back at once when it is disposed unused, and is spent only once
/// <see cref="MarkUsed()"/> says the call it guards was actually sent.
/// </summary>
/// <remarks>
/// A rate permit is spent by a call, not by an acquisition: a chain that refuses at a later limiter, a cancelled
/// waiter or a refused attempt disposes the leases it already took, and those permits must not be lost.
/// </remarks>
internal abstract class RefundableRateLimitLease : RateLimitLease
{
    /// <inheritdoc />
    public sealed override bool IsAcquired => true;

    /// <summary>Marks the lease used if it is refundable; call it right before sending the call it guards.</summary>
    /// <param name="lease">The lease, or <see langword="null"/>.</param>
    public static void MarkUsed(RateLimitLease? lease)
    {
        if (lease is RefundableRateLimitLease refundable)
        {
            refundable.MarkUsed();
        }
    }

    /// <summary>Marks the permit spent: from now on disposing the lease does not give it back early.</summary>
    public abstract void MarkUsed();
}
