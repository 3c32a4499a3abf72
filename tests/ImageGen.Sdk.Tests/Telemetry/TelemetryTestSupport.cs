using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ImageGen.Sdk.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace ImageGen.Sdk.Tests.Telemetry;

/// <summary>
/// Collects the <c>ImageGen.Sdk</c> spans of one test: only spans in the trace of the test's own root span, so
/// tests running at the same time never see each other's spans.
/// </summary>
public sealed class SpanRecorder : IDisposable
{
    private static readonly ActivitySource TestSource = new("ImageGen.Sdk.Tests.Root");
    private readonly ActivityListener _listener;
    private readonly Activity _root;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is ImageGenerationTelemetry.SourceName or "ImageGen.Sdk.Tests.Root",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.Source.Name == ImageGenerationTelemetry.SourceName && activity.TraceId == _root?.TraceId)
                {
                    Spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
        _root = TestSource.StartActivity("test root") ?? throw new InvalidOperationException("The test listener samples every span.");
    }

    /// <summary>Gets the finished SDK spans of this test, in the order they stopped.</summary>
    public ConcurrentQueue<Activity> Spans { get; } = new();

    public Activity Only() => Spans.Count == 1 ? Spans.Single() : throw new AssertionException($"Expected exactly one span, got {Spans.Count}.");

    public void Dispose()
    {
        _root.Dispose();
        _listener.Dispose();
    }
}

/// <summary>A meter factory of its own per test, so each test's collectors see only its own measurements.</summary>
public sealed class TestMeters : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public IMeterFactory Factory => _services.GetRequiredService<IMeterFactory>();

    public void Dispose() => _services.Dispose();
}
