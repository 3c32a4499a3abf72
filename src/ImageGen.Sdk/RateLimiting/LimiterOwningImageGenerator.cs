using System.Threading.RateLimiting;

namespace ImageGen.Sdk.RateLimiting;

/// <summary>Disposes a limiter the rate-limiting layer created for itself when the pipeline is disposed.</summary>
/// <remarks>
/// <see cref="RateLimitingImageGenerator"/> never disposes its limiter because a caller may share one between
/// pipelines; a limiter built from options by <c>UseRateLimiting</c> belongs to that one pipeline, and its timer
/// must not outlive it.
/// </remarks>
internal sealed class LimiterOwningImageGenerator : DelegatingImageGenerator
{
    private readonly RateLimiter _ownedLimiter;

    public LimiterOwningImageGenerator(IImageGenerator innerGenerator, RateLimiter ownedLimiter)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(ownedLimiter);
        _ownedLimiter = ownedLimiter;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            _ownedLimiter.Dispose();
        }
    }
}
