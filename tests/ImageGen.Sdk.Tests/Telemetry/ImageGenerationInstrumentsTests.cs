using System.Diagnostics.Metrics;
using ImageGen.Sdk.Telemetry;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ImageGen.Sdk.Tests.Telemetry;

public class ImageGenerationInstrumentsTests
{
    [Test]
    public void Creates_exactly_the_documented_instruments_with_their_UCUM_units()
    {
        using TestMeters meters = new();
        List<(string Name, string? Unit)> published = [];
        using MeterListener listener = new()
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == ImageGenerationTelemetry.MeterName && ReferenceEquals(instrument.Meter.Scope, meters.Factory))
                {
                    published.Add((instrument.Name, instrument.Unit));
                }
            },
        };
        listener.Start();

        using ImageGenerationInstruments instruments = new(meters.Factory);

        Assert.That(published, Is.EquivalentTo(new (string, string?)[]
        {
            ("gen_ai.client.operation.duration", "s"),
            ("gen_ai.client.token.usage", "{token}"),
            ("imagegen.cache.requests", "{request}"),
            ("imagegen.provider.attempts", "{attempt}"),
            ("imagegen.rate_limit.wait.duration", "s"),
            ("imagegen.cost", "USD"),
            ("imagegen.keys.state_changes", "{change}"),
            ("imagegen.fallbacks", "{fallback}"),
        }));
    }

    [TestCase("Hit", "hit")]
    [TestCase("Miss", "miss")]
    [TestCase("Stale", "stale")]
    [TestCase("Coalesced", "coalesced")]
    public void RecordCacheResult_counts_one_request_tagged_with_the_result(string name, string expected)
    {
        ImageCacheResult result = Enum.Parse<ImageCacheResult>(name);
        using TestMeters meters = new();
        using ImageGenerationInstruments instruments = new(meters.Factory);
        using MetricCollector<long> collector = new(instruments.CacheRequests);

        instruments.RecordCacheResult(result, "openai");

        CollectedMeasurement<long> measurement = collector.GetMeasurementSnapshot().Single();
        Assert.That(measurement.Value, Is.EqualTo(1));
        Assert.That(measurement.Tags["imagegen.cache.result"], Is.EqualTo(expected));
        Assert.That(measurement.Tags["gen_ai.provider.name"], Is.EqualTo("openai"));
    }

    [Test]
    public void RecordAttempt_tags_error_type_with_the_kind_only_for_a_failed_attempt()
    {
        using TestMeters meters = new();
        using ImageGenerationInstruments instruments = new(meters.Factory);
        using MetricCollector<long> collector = new(instruments.ProviderAttempts);

        instruments.RecordAttempt("openai", "gpt-image-1", new ImageGenerationException(ImageGenerationErrorKind.RateLimited, "429"));
        instruments.RecordAttempt("openai", "gpt-image-1", null);

        IReadOnlyList<CollectedMeasurement<long>> measurements = collector.GetMeasurementSnapshot();
        Assert.That(measurements, Has.Count.EqualTo(2));
        Assert.That(measurements[0].Tags["error.type"], Is.EqualTo("RateLimited"));
        Assert.That(measurements[0].Tags["gen_ai.provider.name"], Is.EqualTo("openai"));
        Assert.That(measurements[0].Tags["gen_ai.request.model"], Is.EqualTo("gpt-image-1"));
        Assert.That(measurements[1].Tags.ContainsKey("error.type"), Is.False);
    }

    [Test]
    public void RecordAttempt_names_a_foreign_exception_by_its_full_type_name()
    {
        using TestMeters meters = new();
        using ImageGenerationInstruments instruments = new(meters.Factory);
        using MetricCollector<long> collector = new(instruments.ProviderAttempts);

        instruments.RecordAttempt("openai", null, new HttpRequestException("reset"));

        Assert.That(collector.LastMeasurement!.Tags["error.type"], Is.EqualTo("System.Net.Http.HttpRequestException"));
    }

    [Test]
    public void RecordRateLimitWait_records_seconds_and_skips_a_wait_that_did_not_happen()
    {
        using TestMeters meters = new();
        using ImageGenerationInstruments instruments = new(meters.Factory);
        using MetricCollector<double> collector = new(instruments.RateLimitWaitDuration);

        instruments.RecordRateLimitWait(TimeSpan.FromMilliseconds(1500), "azure");
        instruments.RecordRateLimitWait(TimeSpan.Zero, "azure");

        CollectedMeasurement<double> measurement = collector.GetMeasurementSnapshot().Single();
        Assert.That(measurement.Value, Is.EqualTo(1.5));
        Assert.That(measurement.Tags["gen_ai.provider.name"], Is.EqualTo("azure"));
    }

    [TestCase("Spent", "spent")]
    [TestCase("Saved", "saved")]
    public void RecordCost_adds_dollars_tagged_with_the_kind(string name, string expected)
    {
        ImageCostKind kind = Enum.Parse<ImageCostKind>(name);
        using TestMeters meters = new();
        using ImageGenerationInstruments instruments = new(meters.Factory);
        using MetricCollector<double> collector = new(instruments.Cost);

        instruments.RecordCost(0.042m, kind, "openai", "gpt-image-1");
        instruments.RecordCost(0m, kind, "openai", "gpt-image-1");

        CollectedMeasurement<double> measurement = collector.GetMeasurementSnapshot().Single();
        Assert.That(measurement.Value, Is.EqualTo(0.042).Within(1e-12));
        Assert.That(measurement.Tags["imagegen.cost.kind"], Is.EqualTo(expected));
    }

    [TestCase("Cooling", "cooling")]
    [TestCase("Retired", "retired")]
    [TestCase("Parked", "parked")]
    [TestCase("Healthy", "healthy")]
    public void RecordKeyStateChange_counts_the_state_moved_to(string name, string expected)
    {
        ImageKeyState state = Enum.Parse<ImageKeyState>(name);
        using TestMeters meters = new();
        using ImageGenerationInstruments instruments = new(meters.Factory);
        using MetricCollector<long> collector = new(instruments.KeyStateChanges);

        instruments.RecordKeyStateChange("openai", state);

        Assert.That(collector.LastMeasurement!.Tags["imagegen.key.state"], Is.EqualTo(expected));
        Assert.That(collector.LastMeasurement.Value, Is.EqualTo(1));
    }

    [Test]
    public void RecordFallback_names_both_providers_and_the_reason()
    {
        using TestMeters meters = new();
        using ImageGenerationInstruments instruments = new(meters.Factory);
        using MetricCollector<long> collector = new(instruments.Fallbacks);

        instruments.RecordFallback("openai", "azure", new ImageGenerationException(ImageGenerationErrorKind.Unavailable, "open circuit"));

        CollectedMeasurement<long> measurement = collector.LastMeasurement!;
        Assert.That(measurement.Tags["gen_ai.provider.name"], Is.EqualTo("openai"));
        Assert.That(measurement.Tags["imagegen.fallback.to"], Is.EqualTo("azure"));
        Assert.That(measurement.Tags["error.type"], Is.EqualTo("Unavailable"));
    }

    [Test]
    public void Meter_comes_from_the_factory_and_is_named_ImageGen_Sdk()
    {
        using TestMeters meters = new();
        using ImageGenerationInstruments instruments = new(meters.Factory);

        Assert.That(instruments.Meter.Name, Is.EqualTo("ImageGen.Sdk"));
        Assert.That(instruments.Meter.Scope, Is.SameAs(meters.Factory), "a factory-created meter is scoped to that factory");
    }
}
