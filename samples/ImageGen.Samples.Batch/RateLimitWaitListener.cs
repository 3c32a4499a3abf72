using System.Diagnostics.Metrics;
using ImageGen.Sdk.Telemetry;

namespace ImageGen.Samples.Batch;

/// <summary>
/// Counts the rate-limit waits of the run from the SDK's <c>imagegen.rate_limit.wait.duration</c> histogram: results
/// and exceptions say how many attempts a call made, but not how long it queued for a permit or a resting key.
/// </summary>
internal sealed class RateLimitWaitListener : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;
    private long _totalTicks;

    public RateLimitWaitListener()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ImageGenerationTelemetry.MeterName && instrument.Name == "imagegen.rate_limit.wait.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, seconds, _, _) =>
        {
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _totalTicks, TimeSpan.FromSeconds(seconds).Ticks);
        });
        _listener.Start();
    }

    /// <summary>Gets how many calls waited.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Gets how long they waited in all.</summary>
    public TimeSpan Total => TimeSpan.FromTicks(Interlocked.Read(ref _totalTicks));

    public void Dispose() => _listener.Dispose();
}
